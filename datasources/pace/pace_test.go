package pace

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The tests assert lower bounds only: a busy machine may make a call late,
// never early, so they cannot flake by being slow.

func TestWaitSpacesCallersSharingOnePacer(t *testing.T) {
	p := New(20) // 50 ms apart
	start := time.Now()
	var mu sync.Mutex
	var at []time.Duration
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := p.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			mu.Lock()
			at = append(at, time.Since(start))
			mu.Unlock()
		})
	}
	wg.Wait()
	// Four callers at once take four turns: the last one 150 ms on.
	last := time.Duration(0)
	for _, d := range at {
		last = max(last, d)
	}
	if last < 145*time.Millisecond {
		t.Errorf("four calls within %v, want the last at least 150ms after the first", last)
	}
}

func TestHoldStopsEveryCallUntilItEnds(t *testing.T) {
	p := New(1000)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.Hold(200 * time.Millisecond)
	p.Hold(50 * time.Millisecond) // a shorter ban never shortens a longer one
	if p.HeldUntil().IsZero() {
		t.Fatal("HeldUntil is zero during a hold")
	}
	start := time.Now()
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("a call %v into a 200ms hold", d)
	}
}

// The hold must come while the call waits: the test runs in a bubble of
// its own (testing/synctest), where the clock is fake and synctest.Wait
// returns once the waiting call is blocked on its timer.
func TestHoldAnnouncedWhileWaitingIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New(10) // 100 ms apart
		_ = p.Wait(context.Background())
		done := make(chan time.Time)
		go func() {
			_ = p.Wait(context.Background()) // its turn is 100 ms away
			done <- time.Now()
		}()
		synctest.Wait()
		start := time.Now()
		p.Hold(300 * time.Millisecond) // the ban comes while it waits
		if d := (<-done).Sub(start); d < 290*time.Millisecond {
			t.Errorf("a waiting call went out %v into a 300ms ban", d)
		}
	})
}

func TestWaitEndsWithItsContext(t *testing.T) {
	p := New(1)
	p.Hold(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err == nil {
		t.Fatal("Wait returned nil during a one-hour hold")
	}
}

func TestHoldIsBounded(t *testing.T) {
	p := New(0)
	p.Hold(1000 * time.Hour)
	if until := p.HeldUntil(); time.Until(until) > MaxHold {
		t.Errorf("held until %v, more than MaxHold away", until)
	}
}

func TestNilPacerLetsEveryCallThrough(t *testing.T) {
	var p *Pacer
	p.Hold(time.Hour)
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !p.HeldUntil().IsZero() || p.Gap() != 0 {
		t.Error("a nil pacer reports a hold or a gap")
	}
}

// The second call must be blocked in Begin before the first ends: the
// test runs in a bubble of its own (testing/synctest), where synctest.Wait
// returns once it is.
func TestBeginLetsOneCallOutAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New(0)
		end, err := p.Begin(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		second := make(chan time.Time)
		go func() {
			end2, err := p.Begin(context.Background())
			if err == nil {
				end2()
			}
			second <- time.Now()
		}()
		synctest.Wait()
		select {
		case <-second:
			t.Fatal("a second call began while the first was out")
		default:
		}
		// The first call read a ban before it ended: the second starts after it.
		p.Hold(100 * time.Millisecond)
		ended := time.Now()
		end()
		if at := <-second; at.Before(ended) {
			t.Errorf("a second call began %v before the first ended", ended.Sub(at))
		}
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(ended); d < 95*time.Millisecond {
			t.Errorf("a call %v after a ban read by the call before it", d)
		}
		ctx, cancel := context.WithCancel(context.Background())
		end, _ = p.Begin(context.Background())
		cancel()
		if _, err := p.Begin(ctx); err == nil {
			t.Error("Begin with an ended context while another call is out returned no error")
		}
		end()
	})
}
