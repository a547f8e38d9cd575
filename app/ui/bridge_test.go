package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/flashdeck/flashdeck/app/actions"
	"github.com/flashdeck/flashdeck/app/config"
	"github.com/flashdeck/flashdeck/app/engine"
	"github.com/flashdeck/flashdeck/app/rules"
	"github.com/flashdeck/flashdeck/internal/testwait"
)

// slowFlags is a Source whose flag list takes as long as the test says (a
// collector over a slow network).
type slowFlags struct {
	sub      chan *engine.Snapshot
	fetching chan struct{}
	answer   chan error
}

func (s *slowFlags) Snapshot() *engine.Snapshot { return nil }
func (s *slowFlags) Subscribe() (<-chan *engine.Snapshot, func()) {
	return s.sub, func() {}
}
func (s *slowFlags) Flags(string) []rules.Flag { return nil }
func (s *slowFlags) FetchFlags(string) ([]rules.Flag, error) {
	s.fetching <- struct{}{}
	if err := <-s.answer; err != nil {
		return nil, err
	}
	return []rules.Flag{{Sale: "s", OrderID: "1"}}, nil
}

func flagSnap(seq, version uint64) *engine.Snapshot {
	s := &engine.Snapshot{Seq: seq, Sales: []engine.SaleSnap{{}}}
	s.Sales[0].Flags.Version = version
	return s
}

// recv waits for a value the code under test sends; the limit only stops
// a broken test from hanging, it measures nothing.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// A flag list that takes its time (up to 30 s on a remote collector) never
// holds the figures: every snapshot reaches the screens while it is read,
// the list follows when it comes, and a failed read is asked again.
func TestSlowFlagsDoNotDelayTheFigures(t *testing.T) {
	test.NewTempApp(t)
	src := &slowFlags{sub: make(chan *engine.Snapshot), fetching: make(chan struct{}), answer: make(chan error)}
	applied := make(chan uint64, 10)
	flags := make(chan []rules.Flag, 10)
	br := newBridge(src, func(s *engine.Snapshot) { applied <- s.Seq }, func(fl []rules.Flag) { flags <- fl })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go br.run(ctx)

	src.sub <- flagSnap(1, 1)
	recv(t, src.fetching, "read of the flags")
	if seq := recv(t, applied, "first snapshot"); seq != 1 {
		t.Fatalf("snapshot %d shown, want 1", seq)
	}
	// The read is still under way: the figures go on.
	src.sub <- flagSnap(2, 2)
	src.sub <- flagSnap(3, 2)
	for want := uint64(2); want <= 3; want++ {
		if seq := recv(t, applied, "snapshot during the read"); seq != want {
			t.Fatalf("snapshot %d shown, want %d", seq, want)
		}
	}
	select {
	case fl := <-flags:
		t.Fatalf("flags %v shown before they were read", fl)
	default:
	}
	src.answer <- nil
	if fl := recv(t, flags, "flag list"); len(fl) != 1 {
		t.Fatalf("flags %v", fl)
	}
	// Version 2 came during the first read: one more read, for the latest.
	recv(t, src.fetching, "read of the changed flags")
	src.answer <- errors.New("collector slow")
	// Failed: the next snapshot asks again, though no version changed.
	// (Once the failure is noted: a snapshot that comes while the failed
	// read is still returning leaves the retry to the one after.)
	testwait.Until(t, 20*time.Second, func() string {
		if br.retry.Load() {
			return ""
		}
		return "the failed read not noted"
	})
	src.sub <- flagSnap(4, 2)
	recv(t, applied, "snapshot after a failed read")
	recv(t, src.fetching, "read again after a failure")
	src.answer <- nil
	recv(t, flags, "flag list after a failure")
}

// listCounter is an ActionService that says which filters the audit trail
// was read with.
type listCounter struct {
	ActionService
	texts chan string
}

func (l *listCounter) List(f actions.Filter) ([]actions.Action, error) {
	l.texts <- f.Text
	return []actions.Action{{ID: "A000000001", Reason: f.Text}}, nil
}

// Typing in the audit filter reads the trail once typing pauses, with the
// filter as typed, off the UI goroutine; not once per keystroke.
func TestAuditFilterReadsOnceTypingPauses(t *testing.T) {
	test.NewTempApp(t)
	svc := &listCounter{texts: make(chan string, 10)}
	v := NewActionsView(svc, actions.User{Name: "ayu", Role: config.RoleOperator})
	// The read is handed back to run here: the test driver runs fyne.Do
	// at once on the calling goroutine, so the rows must be shown on this
	// one.
	reads := make(chan func(), 10)
	v.goRun = func(f func()) { reads <- f }
	const wait = 300 * time.Millisecond
	v.filterWait = wait
	for _, s := range []string{"r", "re", "res", "resu"} {
		v.filter.SetText(s)
	}
	recv(t, reads, "read of the audit trail")()
	if got := recv(t, svc.texts, "filter read with"); got != "resu" {
		t.Errorf("read with %q, want the filter as typed", got)
	}
	if rows := v.Rows(); len(rows) != 1 || rows[0].Reason != "resu" {
		t.Errorf("rows %+v", rows)
	}
	// Time itself must pass for a stray keystroke's timer to fire.
	time.Sleep(2 * wait)
	if n := len(reads); n != 0 {
		t.Errorf("%d more reads for one pause in typing, want none", n)
	}
}

// pacedSource is a Source that asks the screens to refresh at most every
// so often (a remote collector).
type pacedSource struct {
	sub   chan *engine.Snapshot
	every time.Duration
}

func (s *pacedSource) Snapshot() *engine.Snapshot                   { return nil }
func (s *pacedSource) Subscribe() (<-chan *engine.Snapshot, func()) { return s.sub, func() {} }
func (s *pacedSource) Flags(string) []rules.Flag                    { return nil }
func (s *pacedSource) RefreshEvery() time.Duration                  { return s.every }

// A paced source's snapshots reach the screens at most once per its
// interval, and the one shown after a wait is the newest: those that came
// meanwhile are skipped, never shown late.
func TestPacedSourceShowsTheNewestOncePerInterval(t *testing.T) {
	test.NewTempApp(t)
	// An hour: nothing but the first can be shown within the test unless
	// the pacing is broken.
	src := &pacedSource{sub: make(chan *engine.Snapshot), every: time.Hour}
	applied := make(chan uint64, 10)
	br := newBridge(src, func(s *engine.Snapshot) { applied <- s.Seq }, func([]rules.Flag) {})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { br.run(ctx); close(done) }()
	src.sub <- flagSnap(1, 1)
	if seq := recv(t, applied, "first snapshot"); seq != 1 {
		t.Fatalf("snapshot %d shown, want 1", seq)
	}
	// These are taken while the bridge waits out its interval.
	src.sub <- flagSnap(2, 1)
	src.sub <- flagSnap(3, 1)
	select {
	case seq := <-applied:
		t.Fatalf("snapshot %d shown within the interval", seq)
	default:
	}
	// After the wait, the newest snapshot that came during it is shown.
	ch := make(chan *engine.Snapshot, 1)
	short := &bridge{every: 50 * time.Millisecond, sub: ch, last: time.Now()}
	ch <- flagSnap(5, 1)
	if got := short.pace(ctx, flagSnap(4, 1)); got.Seq != 5 {
		t.Errorf("after the wait snapshot %d shown, want the newest (5)", got.Seq)
	}
	cancel()
	recv(t, done, "the bridge to stop while it waits")
}
