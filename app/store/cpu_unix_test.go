//go:build unix

package store

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process used so far (every thread: the
// runtime's and the garbage collector's included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
