package serve

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/app/engine"
)

// While one request encodes a new snapshot, an answer to GET
// /api/v1/snapshot takes the last snapshot encoded instead of waiting,
// and the stream (get) waits for the new one, encoded once.
func TestFramesDoNotWaitOnAnotherEncoding(t *testing.T) {
	var c frameCache
	old := &engine.Snapshot{Seq: 1}
	if e := c.get(old); e.err != nil || len(e.json) == 0 {
		t.Fatalf("first encoding: %v", e.err)
	}
	// Another caller is encoding snapshot 2 (as encodeLocked marks it).
	next := &engine.Snapshot{Seq: 2}
	c.mu.Lock()
	ready := make(chan struct{})
	c.next, c.ready = next, ready
	c.mu.Unlock()

	e, got := c.latest(next)
	if got != old || e.err != nil || len(e.json) == 0 {
		t.Fatalf("latest gave snapshot %v while 2 was being encoded, want 1 at once", got)
	}
	streamed := make(chan encoded, 1)
	go func() { streamed <- c.get(next) }()
	select {
	case <-streamed:
		t.Fatal("get returned before snapshot 2 was encoded")
	case <-time.After(50 * time.Millisecond): // Time itself must pass: nothing may come
	}
	// The encoding of snapshot 2 finishes.
	want := encoded{json: []byte(`{"seq":2}`)}
	c.mu.Lock()
	c.snap, c.enc, c.next = next, want, nil
	close(ready)
	c.mu.Unlock()
	select {
	case e := <-streamed:
		if string(e.json) != `{"seq":2}` {
			t.Errorf("get gave %s, want snapshot 2's encoding", e.json)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("get still waits after snapshot 2 was encoded")
	}
	if _, got := c.latest(next); got != next {
		t.Errorf("latest gave snapshot %v once 2 was encoded", got)
	}
}

// Once a client asked for zstd, every snapshot is compressed with its
// encoding, so that no answer compresses on its path.
func TestFramesCompressAheadOnceAsked(t *testing.T) {
	var c frameCache
	s1 := &engine.Snapshot{Seq: 1}
	e := c.get(s1)
	first := c.compressed(s1, e.json, "zstd")
	if len(first) == 0 {
		t.Fatal("no zstd body")
	}
	s2 := &engine.Snapshot{Seq: 2}
	c.get(s2)
	c.mu.Lock()
	_, ahead := c.zipped["zstd"]
	c.mu.Unlock()
	if !ahead {
		t.Error("snapshot 2 was not compressed with its encoding after a client asked for zstd")
	}
}
