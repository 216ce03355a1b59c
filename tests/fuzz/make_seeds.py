#!/usr/bin/env python3
# File: tests/fuzz/make_seeds.py
#
# Writes the hand-made seed inputs of the fuzz targets into
# tests/fuzz/corpus/{elf,hypercall,manifest}/: small ELF files (built here
# byte by byte, like tests/unit/elf/elf_builder.h, plus one real static
# program linked by gcc if it is installed), hypercall sequences in
# fuzz_hypercall.cc's input layout, and manifests. Each seed is small and
# named for what it reaches, so a fuzzer starts past the parsers' first
# checks. Inputs that found bugs are kept beside them as regress-* files,
# which this script never touches.
#
# Usage: tests/fuzz/make_seeds.py   (rewrites the seeds it owns)
import os
import shutil
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(surface, name, data):
    d = os.path.join(CORPUS, surface)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- ELF files
ET_EXEC, ET_DYN = 2, 3
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR = 1, 2, 3, 4, 6
PT_GNU_STACK = 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
SHT_SYMTAB, SHT_STRTAB = 2, 3
STT_OBJECT, STT_FUNC, STT_GNU_IFUNC = 1, 2, 10
DT_NULL, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 7, 8, 9
DT_PLTRELSZ, DT_PLTREL, DT_JMPREL = 2, 20, 23
DT_RELRSZ, DT_RELR, DT_RELRENT = 35, 36, 37
R_X86_64_NONE, R_X86_64_64, R_X86_64_RELATIVE = 0, 1, 8
EHDR, PHDR, SHDR, SYM = 64, 56, 64, 24


def note(name, ntype, desc, align=4):
    def pad(b):
        return b + b"\0" * (-len(b) % align)
    n = name.encode() + b"\0"
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def elf(etype, segments, entry, symbols=(), base=0x400000, bss=0):
    """One ELF whose first PT_LOAD maps the whole file (headers included)
    at (base), R+X, then (bss) zero bytes, like a tiny linker output. (segments): extra program
    headers as (type, flags, payload bytes or None, memsz extra); a payload
    is placed in the file and gets its vaddr from its offset. Returns the
    file; symbols are (name, vaddr, size, type)."""
    nph = 1 + len(segments) + 1  # PT_PHDR, segments, the covering PT_LOAD
    body = bytearray(EHDR + nph * PHDR)
    phdrs = []
    for ptype, flags, payload, extra in segments:
        off = (len(body) + 7) & ~7
        body += b"\0" * (off - len(body)) + (payload or b"")
        size = len(payload or b"")
        align = 8 if ptype in (PT_DYNAMIC, PT_NOTE) else 1
        phdrs.append((ptype, flags, off, base + off, size, size + extra, align))
    # Symbols and section headers last: .strtab, .symtab, [null, symtab, strtab].
    shoff = shnum = 0
    if symbols:
        strtab, symtab = b"\0", b"\0" * SYM
        for name, value, size, stype in symbols:
            symtab += struct.pack("<IBBHQQ", len(strtab), 0x10 | stype, 0, 1, value, size)
            strtab += name.encode() + b"\0"
        body += b"\0" * (-len(body) % 8)
        str_off = len(body)
        body += strtab
        body += b"\0" * (-len(body) % 8)
        sym_off = len(body)
        body += symtab
        body += b"\0" * (-len(body) % 8)
        shoff, shnum = len(body), 3
        body += b"\0" * SHDR
        body += struct.pack("<IIQQQQIIQQ", 0, SHT_SYMTAB, 0, 0, sym_off, len(symtab), 2, 1, 8, SYM)
        body += struct.pack("<IIQQQQIIQQ", 0, SHT_STRTAB, 0, 0, str_off, len(strtab), 0, 0, 1, 0)
    phdr_table = [(PT_PHDR, PF_R, EHDR, base + EHDR, nph * PHDR, nph * PHDR, 8)]
    # The covering PT_LOAD must come first among PT_LOADs (sorted by vaddr).
    loads = [(PT_LOAD, PF_R | PF_X, 0, base, len(body), len(body) + bss, 0x1000)]
    table = phdr_table + loads + phdrs
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    body[0:EHDR] = ident + struct.pack("<HHIQQQIHHHHHH", etype, 62, 1, entry, EHDR, shoff, 0,
                                       EHDR, PHDR, nph, SHDR, shnum, 2 if shnum else 0)
    for i, ph in enumerate(table):
        ptype, flags, off, vaddr, filesz, memsz, align = ph
        body[EHDR + i * PHDR:EHDR + (i + 1) * PHDR] = struct.pack(
            "<IIQQQQQQ", ptype, flags, off, vaddr, vaddr, filesz, memsz, align)
    return bytes(body)


def elf_seeds():
    base = 0x400000
    entry = base + EHDR + 3 * PHDR + 8  # inside the covering PT_LOAD
    write("elf", "exec_symtab", elf(ET_EXEC, [(PT_GNU_STACK, PF_R | PF_W, None, 0)], entry, [
        ("_start", entry, 16, STT_FUNC),
        ("main", entry + 4, 8, STT_FUNC),
        ("counter", base + 0x10, 8, STT_OBJECT),
        ("resolver", entry, 4, STT_GNU_IFUNC),
    ]))
    # A runtime-like image: the hvrun ABI note (version 9), a 4- and an
    # 8-aligned note segment, and a writable segment with bss.
    hv = note("hvrun", 0x4856, struct.pack("<II", 9, 0))
    gnu = note("GNU", 5, b"\x02\0\0\xc0\x04\0\0\0\x03\0\0\0\0\0\0\0", align=8)
    write("elf", "exec_notes", elf(ET_EXEC, [
        (PT_NOTE, PF_R, hv, 0),
        (PT_NOTE, PF_R, gnu, 0),
    ], base + EHDR + 4 * PHDR, [("_start", base + EHDR + 4 * PHDR, 8, STT_FUNC)]))
    # static-pie: PT_DYNAMIC with RELA (RELATIVE, NONE), JMPREL and RELR
    # (an address, then a bitmap) aimed at the file's own first page.
    def pie(relocs, relr, extra_dyn=()):
        rela = b"".join(struct.pack("<QQq", off, t, add) for off, t, add in relocs)
        relr_b = b"".join(struct.pack("<Q", e) for e in relr)
        # Dynamic first, tables after it: vaddr = offset (base 0).
        ndyn = 10 + len(extra_dyn)
        dyn_off = (EHDR + 3 * PHDR + 7) & ~7
        rela_off = dyn_off + ndyn * 16
        relr_off = rela_off + len(rela)
        dyn = [(DT_RELA, rela_off), (DT_RELASZ, len(rela)), (DT_RELAENT, 24),
               (DT_JMPREL, rela_off), (DT_PLTRELSZ, 24 if rela else 0), (DT_PLTREL, DT_RELA),
               (DT_RELR, relr_off), (DT_RELRSZ, len(relr_b)), (DT_RELRENT, 8)] + list(extra_dyn)
        dyn.append((DT_NULL, 0))
        payload = b"".join(struct.pack("<qQ", t, v) for t, v in dyn) + rela + relr_b
        return elf(ET_DYN, [(PT_DYNAMIC, PF_R | PF_W, payload, 0)], dyn_off, base=0,
                   symbols=[("_start", dyn_off, 8, STT_FUNC)])
    write("elf", "pie_relocs", pie([(0x8, R_X86_64_RELATIVE, 0x40), (0x10, R_X86_64_NONE, 0)],
                                   [0x20, 0x7]))
    write("elf", "pie_abs64", pie([(0x8, R_X86_64_64, 0)], []))
    # Dynamically linked: refused with the interpreter's name.
    write("elf", "dynamic_interp", elf(ET_EXEC, [(PT_INTERP, PF_R, b"/lib64/ld-linux-x86-64.so.2\0",
                                                  0)], entry))
    # Linked low, with a big bss: exercises zeroing past the file bytes.
    write("elf", "exec_low_bss", elf(ET_EXEC, [], 0x10000 + EHDR + 2 * PHDR, base=0x10000,
                                     bss=0x30000))
    write("elf", "not_elf", b"#!/bin/sh\necho hi\n")
    write("elf", "truncated", elf(ET_EXEC, [], entry)[:100])
    # A real static program, if gcc is here (the committed one stays).
    gcc = shutil.which("gcc")
    if gcc:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "t.S")
            out = os.path.join(tmp, "t")
            with open(src, "w") as f:
                f.write(".globl _start\n.type _start,@function\n_start:\n"
                        "  xor %edi, %edi\n  mov $60, %eax\n  syscall\n"
                        ".size _start, .-_start\n.data\n.globl value\n.type value,@object\n"
                        "value: .quad 42\n.size value, 8\n.bss\n.zero 4096\n")
            subprocess.run([gcc, "-nostdlib", "-static", "-Wl,--build-id=none", "-o", out, src],
                           check=True)
            with open(out, "rb") as f:
                write("elf", "gcc_static_tiny", f.read())


# ------------------------------------------------------- hypercall inputs
(NOP, EXIT, CONSOLE_WRITE, CONSOLE_READ, CONSOLE_INFO, RANDOM, MEM_DISCARD, REGISTER,
 UNSUPPORTED, PANIC, CLOCK, FILE_OPEN, FILE_CLOSE, FILE_READ, FILE_WRITE, FILE_STAT,
 FILE_GETDENTS, FILE_PATHOP, FILE_FDOP, WAIT, SUBMIT) = range(1, 22)
O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND = 0, 1, 2, 0o100, 0o1000, 0o2000
O_DIRECTORY, O_NOFOLLOW, O_PATH = 0o200000, 0o400000, 0o10000000
(MKDIR, UNLINK, RMDIR, RENAME, LINK, SYMLINK, READLINK, CHMOD, TRUNCATE, ACCESS,
 UTIMENS) = range(1, 12)
FD_TRUNCATE, FD_FSYNC, FD_FDATASYNC, FD_FALLOCATE, FD_CHMOD, FD_UTIMENS = range(1, 7)
RW, RO = 0, 1  # mounts, as fuzz_hypercall.cc sets them up
PIPE = 26
SOCKET, POLL, EPOLL, TIMERFD = 32, 33, 34, 35
(SOCK_CREATE, SOCK_BIND, SOCK_LISTEN, SOCK_ACCEPT, SOCK_CONNECT, SOCK_NAME, SOCK_PEER,
 SOCK_SETOPT, SOCK_GETOPT, SOCK_SENDMSG, SOCK_RECVMSG) = range(1, 12)
NO_PATH = 0xFFFFFFFE
AF_UNIX, AF_INET, SOCK_STREAM, SOCK_DGRAM = 1, 2, 1, 2


class Guest:
    """Builds one fuzz_hypercall input: calls, then memory from 0x1000."""
    START = 0x1000

    def __init__(self, verbose=False):
        self.calls = []
        self.mem = bytearray()
        self.verbose = verbose
        self.next = 0x1000  # where the next struct goes

    def put(self, gva, data):
        off = gva - self.START
        if len(self.mem) < off + len(data):
            self.mem += b"\0" * (off + len(data) - len(self.mem))
        self.mem[off:off + len(data)] = data
        return gva

    def alloc(self, data):
        gva = self.put(self.next, data)
        self.next = (self.next + len(data) + 15) & ~15
        return gva

    def call(self, nr, arg_bytes=b"", submit=False, arg=None):
        if arg is None:
            arg = self.alloc(arg_bytes) if arg_bytes else 0
        self.calls.append((nr, submit, arg))
        return self

    def path(self, mount, rel):
        # "" is the mount's root; its pointer must still be valid.
        p = self.alloc(rel.encode() or b"\0")
        return struct.pack("<IIQ", mount, len(rel), p)

    def bytes(self):
        assert 1 <= len(self.calls) <= 8
        out = bytes([(len(self.calls) - 1) | (8 if self.verbose else 0)])
        for nr, submit, arg in self.calls:
            out += struct.pack("<BBQ", nr, 1 if submit else 0, arg)
        return out + bytes(self.mem)


def open_(g, mount, rel, flags, mode=0o644):
    return g.call(FILE_OPEN, g.path(mount, rel) + struct.pack("<II", flags, mode))


def file_io(handle, data, length, offset=0):
    return struct.pack("<IIQQq", handle, 0, data, length, offset)


def pathop(g, op, mount, at, to="", to_mount=None, mode=0, flags=0, size=0, buf=0, buf_len=0):
    to_mount = mount if to_mount is None else to_mount
    return g.call(FILE_PATHOP, struct.pack("<II", op, flags) + g.path(mount, at) +
                  g.path(to_mount, to) + struct.pack("<IIQQQ", mode, 0, size, buf, buf_len))


def fdop(g, op, handle, flags=0, arg0=0, arg1=0):
    return g.call(FILE_FDOP, struct.pack("<IIIIQQ", op, handle, flags, 0, arg0, arg1))


def hypercall_seeds():
    data = 0x1c00  # data, past the structs (which start at 0x1000)
    g = Guest()
    g.put(data, b"hello, console\n")
    g.call(CONSOLE_WRITE, struct.pack("<IIQQ", 1, 0, data, 15))
    g.call(CONSOLE_WRITE, struct.pack("<IIQQ", 2, 0, data, 15), submit=True)
    g.call(CONSOLE_READ, struct.pack("<IIQQ", 0, 0, data, 64))
    g.call(CONSOLE_READ, struct.pack("<IIQQ", 0, 0, data, 64), submit=True)
    g.call(CONSOLE_INFO, struct.pack("<IIIIQQ", 1, 0, 0, 0, 0, 0))
    g.call(CONSOLE_INFO, struct.pack("<IIIIQQ", 7, 0, 0, 0, 0, 0))
    write("hypercall", "console", g.bytes())

    g = Guest(verbose=True)
    g.put(data, b"why not\0")
    g.call(RANDOM, struct.pack("<QQ", data, 64))
    g.call(MEM_DISCARD, struct.pack("<QQ", 0x2000, 0x1000))
    g.call(CLOCK, struct.pack("<IIq", 1, 0, 0))
    g.call(UNSUPPORTED, struct.pack("<Q6QQQQ", 999, 1, 2, 3, 4, 5, 6, 1, data, 7))
    g.call(NOP)
    g.call(REGISTER, struct.pack("<Q", 0x100000))
    g.call(0)
    g.call(200)
    write("hypercall", "misc", g.bytes())

    g = Guest()
    g.put(data, b"panic text")
    counter = g.alloc(b"\0" * 8)
    g.call(WAIT, struct.pack("<qQII", 1 << 62, counter, 0, 0))
    g.call(WAIT, struct.pack("<qQII", 0, 0, 0, 0))
    g.call(RANDOM, struct.pack("<QQ", data, 16), submit=True)
    g.call(PANIC, struct.pack("<QQ", data, 10))
    g.call(EXIT, struct.pack("<iIQQ", 3, 0, 0, 0))
    write("hypercall", "wait_panic_exit", g.bytes())

    # A guest-made hv_async, including one that submits SUBMIT itself.
    g = Guest()
    g.put(data, b"x" * 8)
    io = g.alloc(struct.pack("<IIQQ", 1, 0, data, 8))
    counter = g.alloc(b"\0" * 8)
    g.call(SUBMIT, struct.pack("<QQQqII", CONSOLE_WRITE, io, counter, -1, 0, 0))
    g.call(SUBMIT, struct.pack("<QQQqII", SUBMIT, io, counter, -1, 0, 0))
    g.call(SUBMIT, struct.pack("<QQQqII", CLOCK, g.alloc(struct.pack("<IIq", 1, 0, 0)), counter,
                               -1, 0, 0))
    g.call(SUBMIT, struct.pack("<QQQqII", CONSOLE_WRITE, io, counter + 1, -1, 0, 0))
    write("hypercall", "submit", g.bytes())

    # Files: open, write, read (in line and submitted), stat, fdops, close.
    g = Guest()
    g.put(data, b"new contents")
    open_(g, RW, "file", O_RDWR)
    g.call(FILE_WRITE, file_io(0, data, 12, 0))
    g.call(FILE_READ, file_io(0, data + 0x100, 64, 0), submit=True)
    g.call(FILE_WRITE, file_io(0, data, 12, 4096), submit=True)
    g.call(FILE_STAT, struct.pack("<II", 0, 0) + struct.pack("<IIQ", 0, 0, 0) +
           struct.pack("<IIQ", 0, 0, data + 0x200))
    fdop(g, FD_TRUNCATE, 0, arg0=100)
    fdop(g, FD_FALLOCATE, 0, arg0=0, arg1=8192)
    g.call(FILE_CLOSE, file_io(0, 0, 0))
    write("hypercall", "file_rw", g.bytes())

    g = Guest()
    open_(g, RW, "dir", O_RDONLY | O_DIRECTORY)
    g.call(FILE_GETDENTS, file_io(0, data, 1024))
    open_(g, RW, "", O_PATH)
    g.call(FILE_STAT, struct.pack("<II", 0, 1) + g.path(RW, "inside") +
           struct.pack("<IIQ", 1, 0, data + 0x800))
    fdop(g, FD_FSYNC, 0)
    fdop(g, FD_FDATASYNC, 0)
    fdop(g, FD_CHMOD, 0, arg0=0o700)
    fdop(g, FD_UTIMENS, 0, arg0=0)
    write("hypercall", "file_dir", g.bytes())

    g = Guest()
    times = g.alloc(struct.pack("<qqqq", 1, 0, 2, 0))
    pathop(g, MKDIR, RW, "dir/sub", mode=0o755)
    pathop(g, RENAME, RW, "file", "dir/sub/moved")
    pathop(g, LINK, RW, "dir/sub/moved", "hard")
    pathop(g, SYMLINK, RW, "hard", "soft")
    pathop(g, READLINK, RW, "soft", buf=data, buf_len=64)
    pathop(g, CHMOD, RW, "hard", mode=0o600)
    pathop(g, TRUNCATE, RW, "soft", size=10)
    pathop(g, UTIMENS, RW, "hard", buf=times)
    write("hypercall", "pathops", g.bytes())

    g = Guest()
    pathop(g, ACCESS, RW, "file", mode=6)
    pathop(g, ACCESS, RO, "file", mode=2)
    pathop(g, UNLINK, RW, "inside")
    pathop(g, RMDIR, RW, "dir")
    pathop(g, RENAME, RW, "file", "file2", flags=1)
    pathop(g, RENAME, RW, "file", "x", to_mount=RO)
    pathop(g, UTIMENS, RW, "up", flags=0x100)
    pathop(g, 99, RW, "file")
    write("hypercall", "pathops_edge", g.bytes())

    # Sockets (handles 0 and 1; mount RW for an AF_UNIX path): a TCP
    # socket on loopback, its name and options; a unix socket bound beneath
    # the mount, a connect to it, a datagram with a passed handle.
    g = Guest()
    sin = g.alloc(struct.pack("<HH4s8x", AF_INET, 0, bytes([127, 0, 0, 1])))
    name_buf = g.alloc(b"\0" * 128)
    one = g.alloc(struct.pack("<i", 1))

    def sock(op, handle=0, flags=0, addr=0, addr_len=0, data=0, data_len=0, a0=0, a1=0, a2=0,
             path=None, cred=(0, 0, 0, 0), control=0, control_len=0):
        # struct hv_socket (112 bytes, ABI v19): ..., path, cred, control.
        return g.call(SOCKET, struct.pack("<IIIIQQQQQQ", op, handle, flags, addr_len, addr, data,
                                          data_len, a0, a1, a2) +
                      (path if path is not None else struct.pack("<IIQ", NO_PATH, 0, 0)) +
                      struct.pack("<iIII", *cred) + struct.pack("<QQ", control, control_len))
    sock(SOCK_CREATE, a0=AF_INET, a1=SOCK_STREAM)
    sock(SOCK_BIND, 0, addr=sin, addr_len=16)
    sock(SOCK_LISTEN, 0, a0=4)
    sock(SOCK_NAME, 0, addr=name_buf, addr_len=128)
    sock(SOCK_SETOPT, 0, a0=6, a1=1, data=one, data_len=4)  # TCP_NODELAY
    sock(SOCK_CREATE, a0=AF_UNIX, a1=SOCK_DGRAM)
    sun = g.alloc(struct.pack("<H", AF_UNIX) + b"/s\0")
    sock(SOCK_BIND, 1, addr=sun, addr_len=5, path=g.path(RW, "s"))
    iov = g.alloc(struct.pack("<QQ", sun, 4))
    handles = g.alloc(struct.pack("<I", 0))
    sock(SOCK_SENDMSG, 1, addr=sun, addr_len=5, data=iov, data_len=1, a0=handles, a1=1,
         path=g.path(RW, "s"))
    write("hypercall", "sockets", g.bytes())

    # Credentials and control messages (ABI v19): a socket pair stating its
    # creator, SO_PASSCRED, a message with stated credentials, received;
    # SO_PEERCRED; a UDP socket with IP_PKTINFO and a BPF filter, received
    # into a control buffer; a waiting receive submitted.
    g = Guest()
    one = g.alloc(struct.pack("<i", 1))
    pair = g.alloc(struct.pack("<IIIIiIII", 0, 0, 0, SOCK_STREAM, 7, 0, 0, 1))
    g.call(PIPE, arg=pair)
    byte = g.alloc(b"x")
    iov = g.alloc(struct.pack("<QQ", byte, 1))
    room = g.alloc(b"\0" * 64)
    sock(SOCK_SETOPT, 1, a0=1, a1=16, data=one, data_len=4)  # SO_PASSCRED
    sock(SOCK_SENDMSG, 0, data=iov, data_len=1, cred=(-1, 0xfffffffe, 5, 3))
    sock(SOCK_RECVMSG, 1, data=iov, data_len=1)
    sock(SOCK_GETOPT, 0, a0=1, a1=17, data=room, data_len=12)  # SO_PEERCRED
    sock(SOCK_CREATE, a0=AF_INET, a1=SOCK_DGRAM)
    prog = g.alloc(struct.pack("<HBBI", 0x06, 0, 0, 0xffff))  # BPF_RET|BPF_K 0xffff
    fprog = g.alloc(struct.pack("<H6xQ", 1, prog))
    sock(SOCK_SETOPT, 2, a0=1, a1=26, data=fprog, data_len=16)  # SO_ATTACH_FILTER
    sock(SOCK_RECVMSG, 2, flags=0x80000000, data=iov, data_len=1, control=room,
         control_len=64)
    write("hypercall", "credentials", g.bytes())

    # Readiness: a pipe polled (in line and submitted with a wait), an
    # epoll over it, a timerfd armed and read back.
    g = Guest()
    pipe = g.alloc(struct.pack("<IIIIiIII", 0, 0, 0, 0, 0, 0, 0, 0))  # hv_pipe, 32 bytes
    g.call(PIPE, arg=pipe)
    items = g.alloc(struct.pack("<IhhIhh", 0, 1, 0, 1, 4, 0))
    counter = g.alloc(b"\0" * 8)
    poll = g.alloc(struct.pack("<QIIq", items, 2, 0, 1000000))
    g.call(POLL, arg=poll)
    g.call(SUBMIT, struct.pack("<QQQqII", POLL, poll, counter, -1, 0, 0))
    g.call(EPOLL, struct.pack("<IIIIIIQQ", 1, 0, 0, 0, 0, 0, 0, 0))
    g.call(EPOLL, struct.pack("<IIIIIIQQ", 2, 2, 1, 0, 1, 0, 7, 0))
    g.call(EPOLL, struct.pack("<IIIIIIQQ", 3, 2, 0, 0, 0, 4, 0, data))
    spec = g.alloc(struct.pack("<qqqq", 0, 0, 0, 1000000))
    g.call(TIMERFD, struct.pack("<IIIIQQ", 1, 0, 1, 0, 0, 0))
    g.call(TIMERFD, struct.pack("<IIIIQQ", 2, 3, 0, 0, spec, spec + 64))
    write("hypercall", "readiness", g.bytes())

    # Ways out that must all fail: links out, "..", the read-only mount.
    g = Guest()
    open_(g, RW, "up", O_RDWR | O_TRUNC)
    open_(g, RW, "abs", O_WRONLY)
    open_(g, RW, "proc/self/root/etc/passwd", O_RDONLY)
    open_(g, RW, "../outside", O_RDONLY)
    open_(g, RO, "file", O_RDWR | O_APPEND)
    open_(g, RO, "new", O_WRONLY | O_CREAT, 0o666)
    pathop(g, SYMLINK, RW, "../../outside", "esc")
    open_(g, RW, "esc", O_WRONLY | O_TRUNC | O_NOFOLLOW)
    write("hypercall", "escape", g.bytes())

    g = Guest()
    open_(g, RO, "file", O_RDONLY)
    g.call(FILE_READ, file_io(0, data, 64, 0))
    fdop(g, FD_CHMOD, 0, arg0=0o777)
    fdop(g, FD_TRUNCATE, 0, arg0=0)
    fdop(g, FD_FSYNC, 0)
    pathop(g, CHMOD, RO, "file", mode=0o777)
    pathop(g, TRUNCATE, RO, "file", size=0)
    pathop(g, SYMLINK, RO, "file", "l")
    write("hypercall", "readonly", g.bytes())

    # Bad pointers and lengths: a struct past the end, a buffer across it.
    g = Guest()
    g.call(CONSOLE_WRITE, arg=0xFFF8)
    g.call(CONSOLE_WRITE, struct.pack("<IIQQ", 1, 0, 0xF000, 0x2000))  # past the end
    g.call(RANDOM, struct.pack("<QQ", 0xFFFFFFFFFFFFF000, 0x2000))
    g.call(MEM_DISCARD, struct.pack("<QQ", 0x1001, 0x1000))
    g.call(FILE_READ, file_io(7, data, 1 << 40, -1))
    open_(g, 5, "file", O_RDONLY)
    g.call(CLOCK, arg=0)
    g.call(WAIT, struct.pack("<qQII", 0, 0x2002, 0, 0))
    write("hypercall", "bad_pointers", g.bytes())


# ---------------------------------------------------------------- manifests
def manifest_seeds():
    write("manifest", "full", '''# A whole run.
image: "/opt/app"
args: "one"
args: "two words"
env: "A=1"
env: "B=x=y"
memory: "64M"
backend: BACKEND_SIM
mounts { host_path: "/data" guest_path: "/mnt" read_only: true }
limits { timeout: "30s" }
verbose: true
runtime: "/opt/hvrun-runtime.elf"
''')
    write("manifest", "empty", "")
    write("manifest", "flags", '''image: "/bin/app"
memory: "1G"
env: "PATH=/bin"
#flag given.memory=128M
#flag given.env=PATH=/usr/bin
#flag given.env=NEW=1
#flag given.volume=/srv:/srv:ro
#flag given.timeout=1m30s
#flag default.backend=auto
#flag default.verbose=true
#flag given.app=/bin/other
#flag given.app=--flag
''')
    write("manifest", "defaults_only", '''backend: BACKEND_KVM
#flag default.backend=sim
#flag default.memory=512M
#flag default.runtime=/rt.elf
#flag default.timeout=inf
#flag given.app=/bin/true
''')
    write("manifest", "syntax_error", 'image: "/opt/app"\nargs: "x"\nmemory "64M"\n')
    write("manifest", "unknown_field", 'image: "/a"\nnetwork: "host"\n')
    write("manifest", "bad_values", 'image: "/a"\nmemory: "12Q"\nlimits { timeout: "-5s" }\n')
    write("manifest", "bad_enum", 'image: "/a"\nbackend: BACKEND_QEMU\n')
    write("manifest", "bad_env", 'image: "/a"\nenv: "=x"\nenv: "novalue"\n')
    write("manifest", "escapes", 'image: "/a\\x00b"\nargs: "\\303\\251t\\303\\251"\n'
                                 'args: "\\377"\nmemory: "0x1000000"\n')
    write("manifest", "mounts", 'image: "/a"\nmounts { host_path: "/h" guest_path: "/g" }\n'
                                'mounts: { host_path: "/h2" guest_path: "/g2" read_only: false }\n'
                                'limits: { timeout: "2h" }\nbackend: 4\n')


if __name__ == "__main__":
    elf_seeds()
    hypercall_seeds()
    manifest_seeds()
    total = 0
    for root, _, files in os.walk(CORPUS):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print(f"make_seeds: corpus is {total} bytes")
