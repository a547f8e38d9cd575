package akulaku

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
)

const (
	// overlap is how far before the last order seen the next window
	// starts: orders updated in the same second are never lost, and the
	// engine de-duplicates the few read twice.
	overlap = time.Second
	// windowMargin is added to the sale clock's now for the window's end,
	// so a channel clock a little ahead of ours is still covered.
	windowMargin = time.Minute
	// jumpAfter: when a full page (sorted by update time) spans at least
	// this long, the next call starts a new window just before its last
	// order instead of asking for the next page number. Re-reading at most
	// `overlap` of orders then costs less than the progress made, and the
	// windows slide with the data, so an order updated while we page moves
	// to a later window instead of shifting an unread one past us.
	jumpAfter = 2 * overlap
)

// listRequest is the body of /v1/open/order/list. Fields are declared in
// byte order of their names: Akulaku's clients sign and send the body with
// sorted keys, and encoding/json writes struct fields in declaration order.
type listRequest struct {
	EndUpdateTime   int64       `json:"endUpdateTime"`
	PageNo          int         `json:"pageNo"`
	PageSize        int         `json:"pageSize"`
	ShopID          json.Number `json:"shopId,omitempty"` // 19 digits: written as a number, never through float64
	StartUpdateTime int64       `json:"startUpdateTime"`
}

// Orders returns the next page of orders updated after the cursor, oldest
// update first.
//
// The window is [since.UpdatedAfter, sale clock now + a minute] in epoch ms.
// Pages of a window are read by number (Cursor.Page) with the window's end
// and the latest update seen kept in Cursor.Token, so the window does not
// grow under us while paging. When a full page is sorted by update time and
// spans more than two seconds, the next window starts one second before its
// last order instead (see jumpAfter). On the last page the next window
// starts one second before the latest update seen, so orders updated in the
// same second are read again rather than missed; an empty window returns
// the cursor unchanged.
func (c *Client) Orders(ctx context.Context, since datasources.Cursor) (datasources.OrderPage, error) {
	start := since.UpdatedAfter
	nowEnd := c.now().Add(windowMargin)
	end := nowEnd
	page := since.Page
	var seen time.Time // latest update seen on earlier pages of this window
	down := false      // reading the window's pages from the last one down
	if e, s, ok := parseDownToken(since.Token); ok && page >= 1 && !start.IsZero() {
		end, seen, down = e, s, true
	} else if page > 1 {
		e, s, ok := parseToken(since.Token)
		if !ok || start.IsZero() {
			page = 1 // not a cursor of ours: read the window again from its start
		} else {
			end, seen = e, s
		}
	}
	page = max(page, 1)
	if start.IsZero() {
		// "From the beginning of time", as far back as one window reaches.
		start = end.Add(-c.window)
	}
	if !end.After(start) {
		// A cursor ahead of the sale clock (a clock set back): nothing to ask.
		return datasources.OrderPage{Next: since, Total: -1}, nil
	}
	// The longest window one call asks for is configured (Config.Window):
	// older cursors are walked forward window by window.
	if end.Sub(start) > c.window {
		end = start.Add(c.window)
	}
	// A window that ends before now (cut to the longest window, or fixed
	// on its first page long ago) is followed at once by the next one when
	// read.
	behind := nowEnd.Sub(end) > windowMargin

	d, err := c.listOrders(ctx, start, end, page, c.pageSize)
	if err != nil {
		return datasources.OrderPage{}, err
	}
	orders, ascending, last, err := pageOrders(d.Result, c.loc, c.statuses)
	if err != nil {
		return datasources.OrderPage{}, &datasources.Error{Channel: c.id, Op: PathOrderList, Kind: datasources.ErrMalformed, Message: err.Error(), Err: err}
	}
	for _, o := range orders {
		if o.UpdatedAt.After(seen) {
			seen = o.UpdatedAt
		}
	}
	out := datasources.OrderPage{Orders: orders, Total: -1}
	if d.TotalCount != nil {
		out.Total = int(*d.TotalCount)
	}
	out.Next, out.More = nextCursor(pageRead{
		since: since, start: start, end: end, window: c.window,
		page: page, down: down, behind: behind,
		n: len(d.Result), pageSize: c.pageSize, totalPages: int(d.TotalPages),
		ascending: ascending, last: last, seen: seen,
	})
	return out, nil
}

// pageRead is what one call of Orders asked for and saw: everything the
// choice of the next cursor depends on.
type pageRead struct {
	since      datasources.Cursor // the cursor Orders was called with
	start, end time.Time          // the window asked for
	window     time.Duration      // the longest window one call asks for
	page       int                // the page number asked for (1 and up)
	down       bool               // the window's pages are read from the last one down
	behind     bool               // the window ends before now: the next follows at once
	n          int                // orders on the page, as the channel sent them
	pageSize   int                // orders asked for per page
	totalPages int                // the channel's count of the window's pages (0: not said)
	ascending  bool               // the page is sorted by update time
	last       time.Time          // the update time of the page's last order
	seen       time.Time          // the latest update seen in the window, this page included
}

// nextCursor is where the read after r starts, and whether it follows at
// once (more) rather than at the next poll. It calls nothing: Orders' paging
// decision, on its own so that a table test covers every case.
func nextCursor(r pageRead) (next datasources.Cursor, more bool) {
	full := r.n >= r.pageSize || (r.n > 0 && r.totalPages > r.page)
	switch {
	case r.down && r.page > 1:
		return datasources.Cursor{UpdatedAfter: r.start, Page: r.page - 1, Token: makeDownToken(r.end, r.seen)}, true
	case r.down:
		// Page 1 again, last: the window is read. Walk on as below.
		if r.behind {
			// Orders updated while the pages were read joined the window
			// after its last page as first counted: they are after the
			// latest update seen, not after the window's end. Only an
			// empty window walks on from its end.
			return datasources.Cursor{UpdatedAfter: walkOn(r.start, r.end, r.seen, r.window)}, true
		}
		next := r.seen.Add(-overlap)
		if r.seen.IsZero() || next.Before(r.start) {
			next = r.start
		}
		return datasources.Cursor{UpdatedAfter: next}, false
	case full && r.ascending && r.last.Sub(r.start) >= jumpAfter:
		return datasources.Cursor{UpdatedAfter: r.last.Add(-overlap)}, true
	case full && r.page == 1 && r.totalPages > 1:
		// More than a page in one stretch of seconds (the order times
		// have whole seconds): page numbers it is. An order updated while
		// we page leaves its place, and the orders after it move down one:
		// read upwards, the first order of the next page would slip onto
		// the one just read and be skipped. Read downwards from the last
		// page, then page 1 again, they only move onto pages still to
		// read. Orders that join the window meanwhile come after the
		// latest update seen, where the next window starts.
		return datasources.Cursor{UpdatedAfter: r.start, Page: r.totalPages, Token: makeDownToken(r.end, r.seen)}, true
	case full:
		return datasources.Cursor{UpdatedAfter: r.start, Page: r.page + 1, Token: makeToken(r.end, r.seen)}, true
	case r.behind:
		// This window is read to its end: walk on to the next one now.
		return datasources.Cursor{UpdatedAfter: walkOn(r.start, r.end, r.seen, r.window)}, true
	case r.seen.IsZero() && r.page == 1:
		// Nothing in the window: ask again from where we were, on page 1
		// (a page and token of the cursor were not ours if page 1 was
		// read; handing them back would ask for that page again).
		return datasources.Cursor{UpdatedAfter: r.since.UpdatedAfter}, false
	case r.seen.IsZero():
		return r.since, false
	default:
		next := r.seen.Add(-overlap)
		if next.Before(r.start) {
			next = r.start
		}
		return datasources.Cursor{UpdatedAfter: next}, false
	}
}

// walkOn is where the window after a window read to its end starts. A
// window cut to the longest window lies wholly in the past: the next one
// starts just before its end. A window that ended at "now" when its first
// page was read fell behind while its pages were read, and orders updated
// meanwhile joined it after its last page as first counted, so the next
// one starts just before the latest update seen, not after the end.
func walkOn(start, end, seen time.Time, window time.Duration) time.Time {
	if seen.IsZero() || end.Sub(start) >= window {
		return end.Add(-overlap)
	}
	if next := seen.Add(-overlap); next.After(start) {
		return next
	}
	return start
}

// listOrders makes one order-list call.
func (c *Client) listOrders(ctx context.Context, start, end time.Time, pageNo, pageSize int) (orderListData, error) {
	req := listRequest{
		StartUpdateTime: start.UnixMilli(),
		EndUpdateTime:   end.UnixMilli(),
		PageNo:          pageNo,
		PageSize:        pageSize,
		ShopID:          json.Number(c.shopID),
	}
	data, err := c.post(ctx, PathOrderList, req)
	if err != nil {
		return orderListData{}, err
	}
	d, err := decodeOrderList(data)
	if err != nil {
		return orderListData{}, httpx.Malformed(c.id, PathOrderList, err, data)
	}
	return d, nil
}

// post signs and sends one call and returns the envelope's data. An
// access token the channel refuses as invalid or expired is renewed once
// and the call sent again: a refused call did nothing, and the shop calls
// this client makes are reads.
func (c *Client) post(ctx context.Context, op string, payload any) (json.RawMessage, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return nil, c.errorf(op, datasources.ErrRejected, "encoding the request: %v", err)
	}
	for renewed := false; ; renewed = true {
		token, gen, err := c.accessToken(ctx, op)
		if err != nil {
			return nil, err
		}
		data, err := c.send(ctx, op, body, token)
		if err != nil && !renewed && c.tok.canRenew() && c.codes.tokenRefused(err) {
			if err := c.renew(ctx, gen); err != nil {
				return nil, err
			}
			continue
		}
		return data, err
	}
}

// send signs and sends one call with the given access token.
func (c *Client) send(ctx context.Context, op string, body []byte, token string) (json.RawMessage, error) {
	ts := c.timestamp()
	sign, err := Sign(c.key, c.appID, ts, body)
	if err != nil {
		// Not the key's bytes: rsa errors name sizes, never key material.
		return nil, c.errorf(op, datasources.ErrAuth, "signing the request: %v", err)
	}
	end, err := c.pace.Begin(ctx)
	if err != nil {
		return nil, httpx.TransportError(c.id, op, err)
	}
	// The answer is read, and a ban held, before another call may start.
	defer end()
	resp, err := c.http.R().
		SetContext(ctx).
		SetHeader("Content-Type", "application/json").
		SetHeader("Accept", "application/json").
		SetHeader("app-id", c.appID).
		SetHeader("access-token", token).
		SetHeader("timestamp", ts).
		SetHeader("sign", sign).
		SetBody(body).
		Post(op)
	if err != nil {
		return nil, httpx.TransportError(c.id, op, httpx.Redact(err))
	}
	data, err := c.codes.decode(c.id, op, resp.StatusCode(), resp.Header(), resp.Body())
	if datasources.KindOf(err) == datasources.ErrRateLimited {
		// A refusal in the envelope (HTTP 200) holds every caller too.
		c.pace.Hold(datasources.RetryAfterOf(err))
	}
	return data, c.scrub(err)
}

// timestamp is the timestamp header: the wall clock, never the sale clock
// (the gateway compares it with its own time), in the configured unit.
func (c *Client) timestamp() string {
	if c.seconds {
		return strconv.FormatInt(c.wall().Unix(), 10)
	}
	return strconv.FormatInt(c.wall().UnixMilli(), 10)
}

// makeToken keeps a window's fixed end and the latest update seen so far
// while its pages are read by number: "w{end ms}.{seen ms}".
func makeToken(end, seen time.Time) string {
	s := int64(0)
	if !seen.IsZero() {
		s = seen.UnixMilli()
	}
	return fmt.Sprintf("w%d.%d", end.UnixMilli(), s)
}

// makeDownToken is makeToken for a window read from its last page down.
func makeDownToken(end, seen time.Time) string { return "d" + makeToken(end, seen)[1:] }

// parseDownToken reads a token of makeDownToken.
func parseDownToken(tok string) (end, seen time.Time, ok bool) {
	rest, found := strings.CutPrefix(tok, "d")
	if !found {
		return time.Time{}, time.Time{}, false
	}
	return parseToken("w" + rest)
}

func parseToken(tok string) (end, seen time.Time, ok bool) {
	rest, found := strings.CutPrefix(tok, "w")
	if !found {
		return time.Time{}, time.Time{}, false
	}
	a, b, found := strings.Cut(rest, ".")
	if !found {
		return time.Time{}, time.Time{}, false
	}
	e, err1 := strconv.ParseInt(a, 10, 64)
	s, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || e <= 0 || s < 0 {
		return time.Time{}, time.Time{}, false
	}
	end = time.UnixMilli(e)
	if s > 0 {
		seen = time.UnixMilli(s)
	}
	return end, seen, true
}
