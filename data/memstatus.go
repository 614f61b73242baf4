package data

/*
// sqlite3_config is SQLite's own, compiled into github.com/mattn/go-sqlite3.
int sqlite3_config(int, ...);

// sqlite_memstatus_off turns off SQLite's count of the memory it holds (SQLITE_CONFIG_MEMSTATUS,
// 9). It answers SQLITE_MISUSE (21), changing nothing, once SQLite has been initialised.
static int sqlite_memstatus_off(void) { return sqlite3_config(9, 0); }
*/
import "C"

// stopMemoryCount turns off SQLite's count of the memory it holds, which no part of Bookcase
// reads (it serves sqlite3_memory_used and the soft heap limit): every allocation and free SQLite
// made took a mutex shared by the whole process to keep it. SQLite's own documentation
// recommends turning it off (SQLITE_DEFAULT_MEMSTATUS=0); go-sqlite3 builds it on. Taking and
// giving back that mutex was about 5% of the CPU of adding books from 32 goroutines at once.
// SQLite accepts the setting only before it is first used in the process, so this runs before
// the first database is opened; later calls change nothing.
func stopMemoryCount() { C.sqlite_memstatus_off() }
