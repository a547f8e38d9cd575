package serve

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"
	"time"
)

func memKey(i int) [sha256.Size]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return sha256.Sum256(b[:])
}

// TestPushMemory: a push is remembered until its window closes, a repeat
// inside it is seen, and the memory never holds more than its bound
// whatever arrives.
func TestPushMemory(t *testing.T) {
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	window := 10 * time.Minute
	cases := []struct {
		name string
		run  func(t *testing.T, m *pushMemory)
	}{
		{"a repeat within the window is seen", func(t *testing.T, m *pushMemory) {
			if m.seen(memKey(1), now.Add(window), now) {
				t.Fatal("the first push was seen")
			}
			for i := range 100 {
				if !m.seen(memKey(1), now.Add(window), now.Add(time.Duration(i)*time.Second)) {
					t.Fatalf("repeat %d was not seen", i)
				}
			}
			if m.seen(memKey(2), now.Add(window), now) {
				t.Fatal("another push was seen")
			}
		}},
		{"forgotten once its window closes", func(t *testing.T, m *pushMemory) {
			m.seen(memKey(1), now.Add(window), now)
			m.seen(memKey(2), now.Add(2*window), now)
			later := now.Add(window + time.Second)
			if m.seen(memKey(1), later.Add(window), later) {
				t.Fatal("a push was remembered after its window closed")
			}
			if !m.seen(memKey(2), now.Add(2*window), later) {
				t.Fatal("a push whose window is open was forgotten")
			}
			// Much later, every old one is dropped as the next arrives.
			much := now.Add(time.Hour)
			m.seen(memKey(3), much.Add(window), much)
			if n := m.len(); n != 1 {
				t.Fatalf("%d pushes remembered an hour on, want 1", n)
			}
		}},
		{"bounded: the oldest go first", func(t *testing.T, m *pushMemory) {
			m.max = 100
			for i := range 1000 {
				if m.seen(memKey(i), now.Add(window), now) {
					t.Fatalf("push %d seen", i)
				}
				if n := m.len(); n > 100 || m.n > 100 || len(m.ring) > 100 {
					t.Fatalf("%d pushes (%d queued in %d slots) remembered, bound 100", n, m.n, len(m.ring))
				}
			}
			if !m.seen(memKey(999), now.Add(window), now) || !m.seen(memKey(900), now.Add(window), now) {
				t.Fatal("the newest pushes were forgotten")
			}
			if m.seen(memKey(0), now.Add(window), now) {
				t.Fatal("the oldest push is still remembered past the bound")
			}
			// Some expire while others arrive: still in order, still bounded.
			later := now.Add(window + time.Second)
			for i := 2000; i < 2050; i++ {
				m.seen(memKey(i), later.Add(time.Duration(i)*time.Millisecond), later)
			}
			if n := m.len(); n != 50 || m.n != 50 {
				t.Fatalf("%d pushes remembered (%d queued) after the first window closed, want 50", n, m.n)
			}
			if !m.seen(memKey(2049), later.Add(window), later) || m.seen(memKey(999), later.Add(window), later) {
				t.Fatal("after wrapping the ring, the wrong pushes are remembered")
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, &pushMemory{}) })
	}
}
