// File: tests/hostile/hostile_test.cc
//
// hvrun fed bad input: missing or non-runnable apps, malformed ELF files,
// bad flags, bad runtime images. Each case asserts hvrun's exit status, a key
// phrase of its one-line message ("hvrun: ..."), and that hvrun itself ended
// normally (no signal death, no hang, no sanitizer report).
//
// Exit statuses (the CLI contract): 125 hvrun's own errors (flags, config,
// runtime image, image too large, backend not built); 126 APP not runnable;
// 127 APP not found.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <regex>
#include <string>

#include "tests/e2e/elf_util.h"
#include "tests/e2e/hvrun_env.h"
#include "tests/e2e/process.h"
#include "tests/hostile/hostile_util.h"

namespace hvtest {
namespace {

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(FileExists(HvrunPath())) << "hvrun is not built: no " << HvrunPath();
    char tmpl[] = "/tmp/hv_hostile_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::string cmd = "rm -rf '" + dir_ + "'";
      (void)!system(cmd.c_str());
    }
  }

  // A file in this test's scratch folder.
  std::string Scratch(const std::string& name) { return dir_ + "/" + name; }

  // Writes (bytes) as an executable scratch file and returns its path.
  std::string MakeFile(const std::string& name, const std::string& bytes) {
    std::string path = Scratch(name);
    EXPECT_TRUE(WriteFile(path, bytes)) << path;
    return path;
  }

  std::string dir_;
};

std::string Hello() { return ProgramPath("hello_c"); }

// An ELF64 header with nothing after it (e_phnum 0) for (machine) and
// (elf_class), otherwise plausible.
std::string ElfHeaderBytes(uint16_t machine, unsigned char elf_class) {
  Elf64_Ehdr eh;
  std::memset(&eh, 0, sizeof eh);
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = elf_class;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = machine;
  eh.e_version = EV_CURRENT;
  eh.e_entry = 0x400000;
  eh.e_phoff = sizeof eh;
  eh.e_ehsize = sizeof eh;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  return std::string(reinterpret_cast<const char*>(&eh), sizeof eh) + std::string(512, '\0');
}

// ---- The app ---------------------------------------------------------------

TEST_F(Hostile, MissingAppIs127) {
  RunResult r = RunHvrunRaw({"--backend=sim", Scratch("no_such_program"), "arg"});
  ExpectError(r, 127, "no such file");
}

TEST_F(Hostile, DirectoryAppIs126) {
  RunResult r = RunHvrunRaw({"--backend=sim", dir_});
  ExpectError(r, 126, "directory");
}

TEST_F(Hostile, TextFileAppIs126) {
  std::string path = MakeFile("script.sh", "#!/bin/sh\necho hello\n");
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 126, "not an ELF");
}

// Larger than an ELF header, so only the magic can tell.
TEST_F(Hostile, LongTextFileAppIs126) {
  std::string path =
      MakeFile("long_script.sh", "#!/bin/sh\n" + std::string(200, '#') + "\necho hi\n");
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 126, "not an ELF");
}

TEST_F(Hostile, EmptyFileAppIs126) {
  std::string path = MakeFile("empty", "");
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 126, "not an ELF|empty|truncated|too short");
}

TEST_F(Hostile, TruncatedElfIs126) {
  std::string bytes = ReadFile(Hello());
  ASSERT_GT(bytes.size(), 100u);
  std::string path = MakeFile("truncated", bytes.substr(0, 100));
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 126, "truncated|too short|short|beyond|past the end|outside the file|malformed");
}

TEST_F(Hostile, Aarch64ElfIs126) {
  std::string path = MakeFile("aarch64", ElfHeaderBytes(EM_AARCH64, ELFCLASS64));
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 126, "x86-64|x86_64|machine|architecture|aarch64");
}

TEST_F(Hostile, Elf32Is126) {
  std::string path = MakeFile("elf32", ElfHeaderBytes(EM_386, ELFCLASS32));
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 126, "64-bit|ELFCLASS|32-bit|class|x86-64|x86_64");
}

// A copy of /bin/true whose PT_INTERP names (interp) instead (same length:
// the path must fill the segment).
std::string WithInterp(const std::string& bytes, const std::string& interp) {
  std::string out = bytes;
  for (const Elf64_Phdr& ph : ProgramHeaders(bytes)) {
    if (ph.p_type != PT_INTERP) continue;
    EXPECT_EQ(ph.p_filesz, interp.size() + 1) << "interp paths must keep their length";
    out.replace(ph.p_offset, interp.size(), interp);
  }
  return out;
}

TEST_F(Hostile, MissingInterpreterIs127) {
  const std::string bytes = ReadFile("/bin/true");
  // "/lib64/ld-linux-x86-64.so.2" with its last character changed.
  std::string path = MakeFile("nointerp", WithInterp(bytes, "/lib64/ld-linux-x86-64.so.9"));
  chmod(path.c_str(), 0755);
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  ExpectError(r, 127, "interpreter.*no such file");
}

TEST_F(Hostile, InterpreterThatIsNotALinkerIs126) {
  // A path of the same length as the real one, a link to a static ET_EXEC.
  const std::string link = "/tmp/hvrun-badinterp-" + std::to_string(getpid() % 100000);
  std::string padded = link + std::string(27 - link.size(), 'x');
  ASSERT_EQ(padded.size(), 27u);
  unlink(padded.c_str());
  ASSERT_EQ(symlink(Hello().c_str(), padded.c_str()), 0);
  std::string path = MakeFile("badinterp", WithInterp(ReadFile("/bin/true"), padded));
  RunResult r = RunHvrunRaw({"--backend=sim", path});
  unlink(padded.c_str());
  ExpectError(r, 126, "not a position-independent");
}

// A 200 MiB .bss does not fit in a 64 MiB guest: refused before it runs.
// A 200 MiB bss under --memory=64M loads (the address space is far
// larger), and touching it ends the guest at the limit: 137 and a report.
TEST_F(Hostile, BigBssOverTheMemoryLimitIs137) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--memory=64M", ProgramPath("big_bss")});
  ExpectError(r, 137, "out of memory.*--memory");
}

// The same with a crafted PT_LOAD whose memsz is 1 GiB, and one whose memsz
// would wrap the address space.
TEST_F(Hostile, PatchedMemszLargerThanGuestMemoryIs125) {
  // 1 TiB: more than the guest's whole address space.
  for (uint64_t memsz : {uint64_t{1} << 40, ~uint64_t{0} - 0xfff}) {
    std::string bytes = ReadFile(Hello());
    auto phdrs = ProgramHeaders(bytes);
    int last_load = -1;
    for (size_t i = 0; i < phdrs.size(); ++i) {
      if (phdrs[i].p_type == PT_LOAD) last_load = static_cast<int>(i);
    }
    ASSERT_GE(last_load, 0);
    size_t at = ProgramHeaderOffset(bytes, static_cast<unsigned>(last_load));
    Elf64_Phdr ph = phdrs[static_cast<size_t>(last_load)];
    ph.p_memsz = memsz;
    std::memcpy(bytes.data() + at, &ph, sizeof ph);
    std::string path = MakeFile("huge_memsz", bytes);
    RunResult r = RunHvrunRaw({"--backend=sim", "--memory=64M", path});
    SCOPED_TRACE("memsz " + std::to_string(memsz));
    // A wrapping memsz may be called malformed instead (126); either way a
    // clear refusal, never a run.
    ExpectNoCrash(r);
    EXPECT_TRUE(r.exit_code == 125 || (memsz > (uint64_t{1} << 41) && r.exit_code == 126))
        << r.Describe();
    EXPECT_TRUE(std::regex_search(r.err, std::regex("does not fit|larger than guest memory|too "
                                                    "large|exceeds|overflow|wraps|invalid",
                                                    std::regex::icase)))
        << r.Describe();
    EXPECT_EQ(r.err.rfind("hvrun: ", 0), 0u) << r.Describe();
  }
}

// ---- Flags -------------------------------------------------------------------

TEST_F(Hostile, MemoryGarbageIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--memory=garbage", Hello()});
  ExpectError(r, 125, "memory");
  EXPECT_NE(r.err.find("garbage"), std::string::npos) << "the message should name the value\n"
                                                      << r.Describe();
}

TEST_F(Hostile, MemoryEmptyIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--memory=", Hello()});
  ExpectError(r, 125, "memory");
}

TEST_F(Hostile, MemoryTooSmallIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--memory=1K", Hello()});
  ExpectError(r, 125, "memory");
}

TEST_F(Hostile, MemoryTooLargeIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--memory=2T", Hello()});
  ExpectError(r, 125, "memory");
}

TEST_F(Hostile, MemoryOverflowIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--memory=99999999999999999999G", Hello()});
  ExpectError(r, 125, "memory");
}

TEST_F(Hostile, UnknownFlagIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--frobnicate", Hello()});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 125) << r.Describe();
  EXPECT_EQ(r.err.rfind("hvrun: ", 0), 0u) << r.Describe();
  EXPECT_NE(r.err.find("--frobnicate"), std::string::npos) << r.Describe();
}

TEST_F(Hostile, BogusBackendIs125) {
  RunResult r = RunHvrunRaw({"--backend=bogus", Hello()});
  ExpectError(r, 125, "backend");
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << r.Describe();
}

// kvm is now built: it either runs the app (a usable /dev/kvm) or refuses
// with a one-line 125 that says why, naming kvm.
TEST_F(Hostile, KvmRunsOrSaysWhyNot) {
  RunResult r = RunHvrunRaw({"--backend=kvm", Hello(), "0"});
  ExpectNoCrash(r);
  if (MissingPrerequisite("kvm").empty()) {
    EXPECT_EQ(r.exit_code, 0) << "/dev/kvm is usable here\n" << r.Describe();
    EXPECT_NE(r.out.find("hello from C"), std::string::npos) << r.Describe();
  } else {
    ExpectError(r, 125, "kvm");
  }
}

TEST_F(Hostile, XenOutsideDom0SaysWhy) {
  if (access("/proc/xen/capabilities", F_OK) == 0) GTEST_SKIP() << "this is a Xen domain";
  RunResult r = RunHvrunRaw({"--backend=xen", Hello()});
  ExpectError(r, 125, "not a Xen domain");
  EXPECT_NE(r.err.find("xen"), std::string::npos) << r.Describe();
}

TEST_F(Hostile, EnvFlagWithoutValueIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "-e"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 125) << r.Describe();
  EXPECT_EQ(r.err.rfind("hvrun: ", 0), 0u) << r.Describe();
}

TEST_F(Hostile, ZeroTimeoutIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--timeout=0s", Hello()});
  ExpectError(r, 125, "timeout");
}

TEST_F(Hostile, NoAppPrintsUsage) {
  RunResult r = RunHvrunRaw({});
  ExpectNoCrash(r);
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("usage", std::regex::icase))) << r.Describe();
}

TEST_F(Hostile, OnlyFlagsNoAppPrintsUsage) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--verbose"});
  ExpectNoCrash(r);
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("usage|APP|missing", std::regex::icase)))
      << r.Describe();
}

TEST_F(Hostile, HelpExitsZeroAndNamesFlags) {
  RunResult r = RunHvrunRaw({"--help"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  std::string all = r.out + r.err;
  for (const char* flag : {"--backend", "--memory", "-e", "--verbose", "--volume"}) {
    EXPECT_NE(all.find(flag), std::string::npos) << "--help does not mention " << flag << "\n"
                                                 << r.Describe();
  }
}

// ---- Manifests (--manifest, --print-manifest) -------------------------------

TEST_F(Hostile, ManifestMissingIs125) {
  RunResult r = RunHvrunRaw({"--manifest=" + Scratch("no_such.textproto")});
  ExpectError(r, 125, "no such file");
  EXPECT_NE(r.err.find("no_such.textproto"), std::string::npos) << r.Describe();
}

TEST_F(Hostile, ManifestDirectoryIs125) {
  RunResult r = RunHvrunRaw({"--manifest=" + dir_});
  ExpectError(r, 125, "directory");
}

// The message names the file, the line and the column of the first error.
TEST_F(Hostile, ManifestMalformedNamesTheLine) {
  std::string path =
      MakeFile("bad.textproto", "image: \"" + Hello() + "\"\nargs: \"1\"\nmemory \"64M\"\n");
  RunResult r = RunHvrunRaw({"--backend=sim", "--manifest=" + path});
  ExpectError(r, 125, "manifest .*bad\\.textproto:3:[0-9]+: ");
}

TEST_F(Hostile, ManifestUnknownFieldIs125) {
  std::string path = MakeFile("typo.textproto", "image: \"" + Hello() + "\"\nmemroy: \"64M\"\n");
  RunResult r = RunHvrunRaw({"--manifest=" + path});
  ExpectError(r, 125, ":2:[0-9]+: .*memroy");
}

TEST_F(Hostile, ManifestBadValuesNameTheLine) {
  for (const char* bad : {"memory: \"lots\"", "limits { timeout: \"soon\" }",
                          "backend: BACKEND_QEMU", "env: \"NOEQUALS\""}) {
    SCOPED_TRACE(bad);
    std::string path = MakeFile("value.textproto", "image: \"" + Hello() + "\"\n" + bad + "\n");
    RunResult r = RunHvrunRaw({"--manifest=" + path});
    ExpectError(r, 125, "value\\.textproto:2:[0-9]+: ");
  }
}

// A manifest's mounts work like -v: the guest reads the mounted directory
// (read-only here: writes are EROFS).
TEST_F(Hostile, ManifestMountsWork) {
  ASSERT_TRUE(WriteFile(Scratch("in.txt"), "from the host\n"));
  std::string path =
      MakeFile("mount.textproto",
               "image: \"" + ProgramPath("escape") + "\"\nargs: \"ro\"\nargs: \"/data\"\n" +
                   "mounts { host_path: \"" + dir_ +
                   "\" guest_path: \"/data\" read_only: true }\nbackend: BACKEND_SIM\n");
  RunResult r = RunHvrunRaw({"--manifest=" + path});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("read in.txt: ok read 14 [from the host\n]"), std::string::npos)
      << r.Describe();
  EXPECT_NE(r.out.find("create new.txt: EROFS"), std::string::npos) << r.Describe();
  EXPECT_FALSE(FileExists(Scratch("new.txt")));
}

TEST_F(Hostile, VolumeWithMissingHostDirIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "-v", Scratch("nonexistent") + ":/data", Hello()});
  ExpectError(r, 125, "nonexistent");
}

TEST_F(Hostile, VolumeWithoutGuestPathIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "-v", dir_, Hello()});
  ExpectError(r, 125, "-v");
}

TEST_F(Hostile, VolumeFlagWithoutValueIs125) {
  RunResult r = RunHvrunRaw({"-v"});
  ExpectError(r, 125, "-v needs HOST:GUEST");
}

TEST_F(Hostile, ManifestRunsLikeTheCommandLine) {
  std::string path = MakeFile("hello.textproto", "# hello_c, exit status 3\nimage: \"" + Hello() +
                                                     "\"\nargs: \"3\"\nbackend: BACKEND_SIM\n"
                                                     "memory: \"64M\"\nlimits { timeout: "
                                                     "\"60s\" }\n");
  RunResult r = RunHvrunRaw({"--manifest=" + path});
  RunResult direct = RunHvrunRaw({"--backend=sim", "--memory=64M", Hello(), "3"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 3) << r.Describe();
  EXPECT_NE(r.out.find("hello from C"), std::string::npos) << r.Describe();
  EXPECT_EQ(r.out, direct.out) << r.Describe();
  EXPECT_EQ(r.err, direct.err) << r.Describe();
}

// APP ARGS on the command line replace the manifest's image and args.
TEST_F(Hostile, ManifestAppOnTheCommandLineWins) {
  std::string path = MakeFile("other.textproto", "image: \"" + Scratch("no_such_program") +
                                                     "\"\nargs: \"9\"\nbackend: BACKEND_SIM\n");
  RunResult r = RunHvrunRaw({"--manifest=" + path, Hello(), "4"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 4) << r.Describe();
  EXPECT_NE(r.out.find("hello from C"), std::string::npos) << r.Describe();
}

// --print-manifest prints the merged manifest (flags over manifest over
// defaults) and runs nothing; what it prints runs the same.
TEST_F(Hostile, PrintManifestShowsFlagsOverTheManifest) {
  std::string path = MakeFile("print.textproto", "image: \"" + Hello() +
                                                     "\"\nargs: \"3\"\nmemory: \"256M\"\n"
                                                     "env: \"A=1\"\nenv: \"B=2\"\n"
                                                     "backend: BACKEND_SIM\n");
  RunResult r = RunHvrunRaw(
      {"--manifest=" + path, "--print-manifest", "--memory=64M", "--timeout=30s", "-e", "B=3"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(r.err.empty()) << r.Describe();
  EXPECT_EQ(r.out.find("hello from C"), std::string::npos) << "it ran the app\n" << r.Describe();
  for (std::string want :
       {"image: \"" + Hello() + "\"", std::string("args: \"3\""), std::string("memory: \"64M\""),
        std::string("env: \"A=1\""), std::string("env: \"B=3\""),
        std::string("backend: BACKEND_SIM"), std::string("timeout: \"30s\"")}) {
    EXPECT_NE(r.out.find(want), std::string::npos) << "no " << want << "\n" << r.Describe();
  }
  EXPECT_EQ(r.out.find("256M"), std::string::npos) << r.Describe();
  EXPECT_EQ(r.out.find("B=2"), std::string::npos) << r.Describe();

  std::string printed = MakeFile("printed.textproto", r.out);
  RunResult run = RunHvrunRaw({"--manifest=" + printed});
  ExpectNoCrash(run);
  EXPECT_EQ(run.exit_code, 3) << run.Describe();
}

TEST_F(Hostile, PrintManifestWithBadFlagIs125) {
  RunResult r = RunHvrunRaw({"--print-manifest", "--memory=garbage", Hello()});
  ExpectError(r, 125, "memory.*garbage");
}

TEST_F(Hostile, HelpNamesManifestFlags) {
  RunResult r = RunHvrunRaw({"--help"});
  ExpectNoCrash(r);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  for (const char* flag : {"--manifest", "--print-manifest"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << "--help does not mention " << flag << "\n"
                                                   << r.Describe();
  }
}

// ---- The runtime image -----------------------------------------------------

// A copy of the runtime image with its ABI note's version bumped.
TEST_F(Hostile, RuntimeWithOtherAbiVersionIs125) {
  ASSERT_TRUE(FileExists(RuntimeImagePath())) << "no " << RuntimeImagePath();
  std::string bytes = ReadFile(RuntimeImagePath());
  size_t patched = 0;
  for (const ElfNote& note : Notes(bytes)) {
    if (note.name == "hvrun" && note.type == 0x4856 && note.desc_size >= 4) {
      uint32_t version;
      std::memcpy(&version, bytes.data() + note.desc_offset, 4);
      ++version;
      std::memcpy(bytes.data() + note.desc_offset, &version, 4);
      ++patched;
    }
  }
  ASSERT_GT(patched, 0u) << RuntimeImagePath() << " has no PT_NOTE \"hvrun\" type 0x4856";
  std::string copy = MakeFile("runtime-abi-bumped.elf", bytes);
  RunResult r = RunHvrunRaw({"--backend=sim", "--runtime=" + copy, Hello()});
  ExpectError(r, 125, "ABI");
}

TEST_F(Hostile, RuntimeMissingIs125) {
  std::string missing = Scratch("no-runtime.elf");
  RunResult r = RunHvrunRaw({"--backend=sim", "--runtime=" + missing, Hello()});
  ExpectError(r, 125, "runtime");
  EXPECT_NE(r.err.find(missing), std::string::npos) << "the message should name the path\n"
                                                    << r.Describe();
}

// A normal static program is an ELF but not a runtime image (no hvrun note).
TEST_F(Hostile, RuntimeNotARuntimeImageIs125) {
  RunResult r = RunHvrunRaw({"--backend=sim", "--runtime=" + Hello(), Hello()});
  ExpectError(r, 125, "runtime|note|ABI");
}

TEST_F(Hostile, RuntimeIsTextFileIs125) {
  std::string path = MakeFile("runtime.txt", "this is not a runtime image\n");
  RunResult r = RunHvrunRaw({"--backend=sim", "--runtime=" + path, Hello()});
  ExpectError(r, 125, "runtime|not an ELF");
}

}  // namespace
}  // namespace hvtest
