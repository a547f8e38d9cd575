// Package chaos holds flashdeck's chaos suite (chaos_test.go): the
// simulator plays faults — an outage, a storm of rate limits, slow
// answers, truncated and garbled JSON, a revoked token, a skewed clock, a
// read-only database — while the real collector runs, and every scenario
// is checked against the simulator's ground truth. `make test` runs each
// fault for a few seconds; `make chaos` (FLASHDECK_CHAOS=full) for as long
// as the issue names (a 60 s outage). The kill-and-restart scenario needs
// a real process and lives in e2e (TestChaosKillMidPoll).
package chaos
