package simulator

import (
	"sync"
	"time"
)

// Clock is sale time: it runs Speed times faster than the wall clock from a
// chosen anchor, so a 12-hour sale can be played in minutes. It can be
// skewed (the chaos suite's clock-skew scenario) and stepped by hand in tests.
type Clock struct {
	mu     sync.Mutex
	realAt time.Time // wall time at the anchor
	saleAt time.Time // sale time at the anchor
	speed  float64
	frozen bool
	wall   func() time.Time
}

// NewClock returns a clock that reads saleNow now and advances speed× the
// wall clock. speed <= 0 means 1.
func NewClock(saleNow time.Time, speed float64) *Clock {
	if speed <= 0 {
		speed = 1
	}
	return &Clock{realAt: time.Now(), saleAt: saleNow, speed: speed, wall: time.Now}
}

// NewManualClock returns a clock that only moves when Advance or Set is called.
func NewManualClock(saleNow time.Time) *Clock {
	return &Clock{realAt: time.Now(), saleAt: saleNow, speed: 1, frozen: true, wall: time.Now}
}

// Now returns the current sale time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.frozen {
		return c.saleAt
	}
	el := c.wall().Sub(c.realAt)
	return c.saleAt.Add(time.Duration(float64(el) * c.speed))
}

// Speed returns how many sale seconds pass per wall second.
func (c *Clock) Speed() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.speed
}

// Anchor returns the pair (wall time, sale time) the clock runs from and its
// speed, so another process can compute the same sale time (the config's
// `clock` section printed by `flashdeck simulate`).
func (c *Clock) Anchor() (wall, sale time.Time, speed float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.realAt, c.saleAt, c.speed
}

// Advance moves the clock forward by d of sale time (a skew when running).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.saleAt = c.saleAt.Add(d)
	c.mu.Unlock()
}

// Set jumps a manual clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.realAt = c.wall()
	c.saleAt = t
	c.mu.Unlock()
}
