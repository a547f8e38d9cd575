package fanout

import "testing"

func TestLatestKeepsTheNewest(t *testing.T) {
	f := Fanout[int]{Buffer: 1, Latest: true}
	c, stop := f.Subscribe(0)
	defer stop()
	for i := 1; i <= 5; i++ {
		f.Send(i) // never blocks, though nobody reads
	}
	if got := <-c; got != 5 {
		t.Fatalf("a reader behind got %d, want the newest (5)", got)
	}
}

func TestEventsKeepTheOldestAndDropTheRest(t *testing.T) {
	f := Fanout[string]{Buffer: 2}
	c, stop := f.Subscribe()
	for _, s := range []string{"a", "b", "c"} {
		f.Send(s)
	}
	if a, b := <-c, <-c; a != "a" || b != "b" || len(c) != 0 {
		t.Fatalf("got %q %q and %d more, want a b and nothing", a, b, len(c))
	}
	stop()
	f.Send("d")
	if len(c) != 0 {
		t.Fatal("a value reached a reader after it unsubscribed")
	}
}
