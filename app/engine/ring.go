package engine

import "time"

// ring is a fixed window of time buckets (units per bucket), indexed by
// event time, so rates cost O(buckets) to read and O(1) to update, however
// many orders there are.
type ring struct {
	width int64 // bucket width, ms
	vals  []float64
	epoch []int64 // which bucket number each slot holds
}

func newRing(width time.Duration, n int) ring {
	return ring{width: width.Milliseconds(), vals: make([]float64, n), epoch: make([]int64, n)}
}

// add puts v in the bucket of time at (unix ms). Values older than the
// window are dropped: they no longer move any rate.
func (r *ring) add(at int64, v float64) {
	if len(r.vals) == 0 {
		return
	}
	b := floorDiv(at, r.width)
	i := int(mod(b, int64(len(r.vals))))
	switch {
	case r.epoch[i] == b:
		r.vals[i] += v
	case r.epoch[i] < b:
		r.epoch[i] = b
		r.vals[i] = v
	}
}

// sum adds the buckets covering (now-span, now].
func (r *ring) sum(now int64, span time.Duration) float64 {
	nb := floorDiv(now, r.width)
	k := span.Milliseconds() / r.width
	total := 0.0
	for i := range r.vals {
		if e := r.epoch[i]; e <= nb && e > nb-k {
			total += r.vals[i]
		}
	}
	return total
}

// series returns the buckets ending at now, oldest first.
func (r *ring) series(now int64) []float64 {
	nb := floorDiv(now, r.width)
	n := int64(len(r.vals))
	out := make([]float64, n)
	for j := range n {
		b := nb - n + 1 + j
		i := mod(b, n)
		if r.epoch[i] == b {
			out[j] = r.vals[i]
		}
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
