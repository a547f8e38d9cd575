//go:build linux

package store

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// dropMapped lets go of the pages of the database file that this process
// has mapped in (bbolt reads the file through a shared read-only mapping):
// a restart's replay or a retention scan reads every record once, and the
// pages it touched would otherwise stay in the process's resident memory,
// the whole file's worth. They stay in the kernel's page cache, and a later
// read maps them in again. Called inside a read transaction, which keeps
// bbolt from remapping the file meanwhile.
func dropMapped(tx *bolt.Tx) {
	info := tx.DB().Info()
	// The kernel maps in pages past the data's end too (the file is grown
	// ahead of it, and faults map their neighbours): the whole mapping is
	// dropped when /proc says how long it is.
	n := mappingLen(info.Data)
	if n <= 0 {
		n = tx.Size()
	}
	if n <= 0 {
		return
	}
	// Data is the address of the mapping, outside the Go heap.
	data := *(*unsafe.Pointer)(unsafe.Pointer(&info.Data))
	_ = syscall.Madvise(unsafe.Slice((*byte)(data), n), syscall.MADV_DONTNEED)
}

// mappingLen is the length of this process's mapping that starts at addr,
// from /proc/self/maps (0 when it cannot tell).
func mappingLen(addr uintptr) int64 {
	raw, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0
	}
	start := strconv.FormatUint(uint64(addr), 16) + "-"
	for line := range bytes.Lines(raw) {
		rest, ok := bytes.CutPrefix(line, []byte(start))
		if !ok {
			continue
		}
		end, _, _ := bytes.Cut(rest, []byte(" "))
		e, err := strconv.ParseUint(string(end), 16, 64)
		if err != nil || e <= uint64(addr) {
			return 0
		}
		return int64(e - uint64(addr))
	}
	return 0
}
