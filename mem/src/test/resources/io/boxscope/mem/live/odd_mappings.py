"""A process with the mappings pmap has special cases for; prints 'ready' and sleeps.

Usage: python3 odd_mappings.py DIR [N_EXTRA_MAPPINGS]
 - a file whose name has spaces and UTF-8, mapped then unlinked: "(deleted)"
 - a file whose name has a tab, an ESC and a newline (the kernel writes \\012)
 - a SysV shared memory segment, attached (pmap labels it [ shmid=0x... ])
 - 4 MiB of anonymous memory with MADV_HUGEPAGE, touched (AnonHugePages if THP allows)
 - N_EXTRA_MAPPINGS separate 1-page anonymous mappings with alternating protections, so the
   kernel cannot merge them (10,000 makes a process with 10k+ mappings)
"""
import ctypes, mmap, os, sys, time

d = sys.argv[1]
extra = int(sys.argv[2]) if len(sys.argv) > 2 else 0
keep = []

def mapped(name, size=8192, unlink=False):
    p = os.path.join(d, name)
    with open(p, "wb") as f:
        f.write(b"x" * size)
    fd = os.open(p, os.O_RDONLY)
    m = mmap.mmap(fd, size, prot=mmap.PROT_READ, flags=mmap.MAP_SHARED)
    m[0]  # fault a page in
    os.close(fd)
    if unlink:
        os.unlink(p)
    keep.append(m)

mapped("my file \u00e9t\u00e9.bin", unlink=True)
mapped("ctl\tname\x1bx\nnl")
mapped("plain.dat", 4096)

libc = ctypes.CDLL(None, use_errno=True)
libc.shmget.restype = ctypes.c_int
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
shmid = libc.shmget(0, 65536, 0o1600)  # IPC_PRIVATE, IPC_CREAT|0600
if shmid >= 0:
    addr = libc.shmat(shmid, None, 0)
    libc.shmctl(shmid, 0, None)  # IPC_RMID: removed once we detach or exit
    ctypes.memset(addr, 1, 4096)

size = 4 << 20
huge = mmap.mmap(-1, size * 2, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
try:
    huge.madvise(mmap.MADV_HUGEPAGE)
except (AttributeError, OSError):
    pass
for i in range(0, size * 2, 4096):
    huge[i] = 1
keep.append(huge)

page = mmap.PAGESIZE
if extra:
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    # One big reservation, then alternate protections page by page: 'extra' separate VMAs.
    base = libc.mmap(None, extra * page, 3, 0x22, -1, 0)  # RW, MAP_PRIVATE|MAP_ANONYMOUS
    for i in range(0, extra, 2):
        libc.mprotect(base + i * page, page, 1)  # PROT_READ
    ctypes.memset(base + page, 7, page)

print("ready", os.getpid(), flush=True)
time.sleep(float(os.environ.get("HOLD_SECONDS", "600")))
