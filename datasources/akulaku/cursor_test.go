package akulaku

import (
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// TestNextCursor covers every way Orders goes on from a page: within the
// window (by page number, up or down), past it (a jump, a walk on to the
// next window), or from the latest update seen at the next poll.
func TestNextCursor(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	const window = 24 * time.Hour
	// A window read at "now": it ends a minute ahead of the sale clock.
	start, end := at(0), at(600)
	// A window cut to the longest window: it lies wholly in the past.
	oldEnd := start.Add(window)
	// read is page 1 of the window [start, end], sorted, short, with
	// nothing seen; each case changes what it is about.
	read := func(change func(*pageRead)) pageRead {
		r := pageRead{
			since: datasources.Cursor{UpdatedAfter: start},
			start: start, end: end, window: window,
			page: 1, pageSize: 50, ascending: true,
		}
		change(&r)
		return r
	}
	cases := []struct {
		name string
		r    pageRead
		next datasources.Cursor
		more bool
	}{
		{
			name: "first page, short: the next poll starts a second before the latest update",
			r:    read(func(r *pageRead) { r.n, r.last, r.seen = 10, at(120), at(120) }),
			next: datasources.Cursor{UpdatedAfter: at(119)},
		},
		{
			name: "short page, latest update within a second of the start: the next poll starts at the start",
			r:    read(func(r *pageRead) { r.n, r.last, r.seen = 1, at(0.5), at(0.5) }),
			next: datasources.Cursor{UpdatedAfter: start},
		},
		{
			name: "empty first page: the cursor's time again, on page 1",
			r: read(func(r *pageRead) {
				r.since = datasources.Cursor{UpdatedAfter: start, Page: 7, Token: "not ours"}
			}),
			next: datasources.Cursor{UpdatedAfter: start},
		},
		{
			name: "empty page after the first: the cursor unchanged",
			r: read(func(r *pageRead) {
				r.since = datasources.Cursor{UpdatedAfter: start, Page: 3, Token: makeToken(end, time.Time{})}
				r.page = 3
			}),
			next: datasources.Cursor{UpdatedAfter: start, Page: 3, Token: makeToken(end, time.Time{})},
		},
		{
			name: "full page spanning two seconds or more: a new window a second before its last order",
			r:    read(func(r *pageRead) { r.n, r.totalPages, r.last, r.seen = 50, 4, at(2), at(2) }),
			next: datasources.Cursor{UpdatedAfter: at(1)},
			more: true,
		},
		{
			name: "full page of one second's ties: read down from the last page",
			r:    read(func(r *pageRead) { r.n, r.totalPages, r.last, r.seen = 50, 4, at(1), at(1) }),
			next: datasources.Cursor{UpdatedAfter: start, Page: 4, Token: makeDownToken(end, at(1))},
			more: true,
		},
		{
			name: "full page not sorted by update time: no jump, read down from the last page",
			r: read(func(r *pageRead) {
				r.n, r.totalPages, r.last, r.seen, r.ascending = 50, 2, at(300), at(400), false
			}),
			next: datasources.Cursor{UpdatedAfter: start, Page: 2, Token: makeDownToken(end, at(400))},
			more: true,
		},
		{
			name: "full page, no page count given: the next page up",
			r:    read(func(r *pageRead) { r.n, r.last, r.seen = 50, at(1), at(1) }),
			next: datasources.Cursor{UpdatedAfter: start, Page: 2, Token: makeToken(end, at(1))},
			more: true,
		},
		{
			name: "short page with more pages counted: still full, the next page up",
			r: read(func(r *pageRead) {
				r.page, r.n, r.totalPages, r.last, r.seen = 2, 30, 3, at(1), at(1)
			}),
			next: datasources.Cursor{UpdatedAfter: start, Page: 3, Token: makeToken(end, at(1))},
			more: true,
		},
		{
			name: "empty page with more pages counted: not full, the cursor unchanged",
			r: read(func(r *pageRead) {
				r.since = datasources.Cursor{UpdatedAfter: start, Page: 2, Token: makeToken(end, time.Time{})}
				r.page, r.totalPages = 2, 3
			}),
			next: datasources.Cursor{UpdatedAfter: start, Page: 2, Token: makeToken(end, time.Time{})},
		},
		{
			name: "reading down, a page above the first: the page below",
			r: read(func(r *pageRead) {
				r.down, r.page, r.n, r.totalPages, r.last, r.seen = true, 3, 50, 4, at(1), at(1)
			}),
			next: datasources.Cursor{UpdatedAfter: start, Page: 2, Token: makeDownToken(end, at(1))},
			more: true,
		},
		{
			name: "reading down, page 1: the window is read, the next poll starts a second before the latest update",
			r: read(func(r *pageRead) {
				r.down, r.n, r.totalPages, r.last, r.seen = true, 50, 4, at(1), at(5)
			}),
			next: datasources.Cursor{UpdatedAfter: at(4)},
		},
		{
			name: "reading down, page 1, nothing seen: the next poll starts at the start",
			r:    read(func(r *pageRead) { r.down = true }),
			next: datasources.Cursor{UpdatedAfter: start},
		},
		{
			name: "reading down, page 1, the window fell behind: on at once from the latest update",
			r: read(func(r *pageRead) {
				r.down, r.behind, r.n, r.totalPages, r.last, r.seen = true, true, 50, 4, at(1), at(5)
			}),
			next: datasources.Cursor{UpdatedAfter: at(4)},
			more: true,
		},
		{
			name: "a window cut to the longest, read: on at once from a second before its end",
			r: read(func(r *pageRead) {
				r.end, r.behind, r.n, r.last, r.seen = oldEnd, true, 10, at(120), at(120)
			}),
			next: datasources.Cursor{UpdatedAfter: oldEnd.Add(-overlap)},
			more: true,
		},
		{
			name: "an empty window behind now: on at once from a second before its end",
			r:    read(func(r *pageRead) { r.behind = true }),
			next: datasources.Cursor{UpdatedAfter: end.Add(-overlap)},
			more: true,
		},
		{
			name: "a window behind now, the latest update within a second of its start: on at once from its start",
			r:    read(func(r *pageRead) { r.behind, r.n, r.last, r.seen = true, 1, at(0.5), at(0.5) }),
			next: datasources.Cursor{UpdatedAfter: start},
			more: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next, more := nextCursor(c.r)
			if !next.UpdatedAfter.Equal(c.next.UpdatedAfter) || next.Page != c.next.Page || next.Offset != c.next.Offset || next.Token != c.next.Token || more != c.more {
				t.Errorf("next %+v more %v, want %+v more %v", next, more, c.next, c.more)
			}
		})
	}
}
