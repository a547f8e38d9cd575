// Package testwait is the tests' one way to wait for something to happen:
// poll a condition until it holds, and fail with what was last seen when a
// limit passes. Limits are generous (a busy 2-core machine under -race is
// slow): they stop a broken test from hanging, they measure nothing.
package testwait

import (
	"testing"
	"time"
)

// Until polls cond until it returns "" (it holds), and fails tb with the
// last thing cond said when limit passes. Polls start every 10 ms and
// slow down to every 200 ms, so a slow condition (an HTTP call) is not
// asked hundreds of times a second.
func Until(tb testing.TB, limit time.Duration, cond func() string) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	pause := 10 * time.Millisecond
	for {
		last := cond()
		if last == "" {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not within %s: %s", limit, last)
		}
		// Time itself must pass before the condition is asked again.
		time.Sleep(pause)
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// For polls cond until it holds, and fails tb saying what did not happen
// when limit passes.
func For(tb testing.TB, limit time.Duration, what string, cond func() bool) {
	tb.Helper()
	Until(tb, limit, func() string {
		if cond() {
			return ""
		}
		return what
	})
}

// Timed reports whether a test may hold the code to an upper time limit
// (an answer within 500 ms): only in the full-length run. Under -short or
// -race a busy 2-core machine is slow for reasons of its own, so a limit
// there fails for the machine, not for the code; the chaos suite keeps its
// full lengths apart the same way.
func Timed() bool { return !testing.Short() && !race }
