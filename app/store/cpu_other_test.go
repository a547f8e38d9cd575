//go:build !unix

package store

import "time"

// cpuTime is not measured here: the benchmarks' cpu-ns/order reads 0.
func cpuTime() time.Duration { return 0 }
