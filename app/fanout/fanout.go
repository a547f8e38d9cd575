// Package fanout hands values from one producer to many readers without
// ever blocking the producer: the engine's snapshots, the actions' ids and
// a remote collector's stream all go out this way.
package fanout

import "sync"

// Fanout sends each value to every subscriber. A subscriber's channel holds
// Buffer values; when it is full, Latest drops the oldest so the newest
// always arrives (snapshots: only the latest matters), and otherwise the new
// value is dropped (events: a reader that missed some reads the state again).
type Fanout[T any] struct {
	// Buffer is each subscriber's channel capacity (at least 1).
	Buffer int
	// Latest keeps the newest value instead of the oldest when a reader is behind.
	Latest bool

	mu   sync.Mutex
	subs map[chan T]struct{}
}

// Subscribe returns a channel that receives the values sent from now on,
// and a function that ends the subscription. With first, the channel holds
// it already: it is put in before the channel is listed, so a send in
// between can never leave it waiting for a reader.
func (f *Fanout[T]) Subscribe(first ...T) (<-chan T, func()) {
	c := make(chan T, max(f.Buffer, 1, len(first)))
	for _, v := range first {
		c <- v
	}
	f.mu.Lock()
	if f.subs == nil {
		f.subs = map[chan T]struct{}{}
	}
	f.subs[c] = struct{}{}
	f.mu.Unlock()
	return c, func() {
		f.mu.Lock()
		delete(f.subs, c)
		f.mu.Unlock()
	}
}

// Send hands v to every subscriber without waiting for any.
func (f *Fanout[T]) Send(v T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.subs {
		select {
		case c <- v:
			continue
		default:
		}
		if !f.Latest {
			continue
		}
		select {
		case <-c: // drop the oldest unread one
		default:
		}
		select {
		case c <- v:
		default:
		}
	}
}
