// File: runtime/linux/shm.h
//
// System V shared memory's per-process state (sys_shm.cc): the attaches
// shmdt finds by address.
#ifndef HVRT_LINUX_SHM_H_
#define HVRT_LINUX_SHM_H_

namespace hvrt::shm {

// execve: the old program's attaches are gone with its memory.
void ForgetAttaches();

}  // namespace hvrt::shm

#endif  // HVRT_LINUX_SHM_H_
