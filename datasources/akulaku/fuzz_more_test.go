package akulaku

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Fuzz targets for what the Akulaku client decodes beyond the envelope and
// the order list: the page token it keeps in a saved cursor, and a whole
// order-list answer as Orders reads it, through an in-memory transport.
// Seeds are in testdata/fuzz; run one with
// go test -fuzz=FuzzOrdersAnswer ./datasources/akulaku

// FuzzParseToken: a page token read from a saved cursor either is refused
// or gives a window end after 1970 and a latest update, which makeToken
// writes back as a token that reads the same; and every token makeToken
// writes reads back as what it was made from.
func FuzzParseToken(f *testing.F) {
	f.Add("w1763881260000.1763881200000", int64(1763881260000), int64(1763881200000))
	f.Add("w1763881260000.0", int64(1), int64(0))
	f.Add("w-5.0", int64(1763881260000), int64(-1))
	f.Add("1763881260000.1", int64(0), int64(5))
	f.Add("w01.02", int64(9223372036854775807), int64(9223372036854775807))
	f.Add("", int64(-9223372036854775808), int64(0))
	f.Fuzz(func(t *testing.T, tok string, endMs, seenMs int64) {
		if end, seen, ok := parseToken(tok); ok {
			if end.UnixMilli() <= 0 || (!seen.IsZero() && seen.UnixMilli() <= 0) {
				t.Fatalf("%q read as end %v, seen %v", tok, end, seen)
			}
			back := makeToken(end, seen)
			e2, s2, ok := parseToken(back)
			if !ok || !e2.Equal(end) || !s2.Equal(seen) {
				t.Fatalf("%q → %v, %v → %q → %v, %v, %v", tok, end, seen, back, e2, s2, ok)
			}
		}
		if endMs <= 0 || seenMs < 0 {
			return
		}
		end, seen := time.UnixMilli(endMs), time.Time{}
		if seenMs > 0 {
			seen = time.UnixMilli(seenMs)
		}
		tok2 := makeToken(end, seen)
		e2, s2, ok := parseToken(tok2)
		if !ok || !e2.Equal(end) || !s2.Equal(seen) {
			t.Fatalf("%v, %v → %q → %v, %v, %v", end, seen, tok2, e2, s2, ok)
		}
	})
}

// akAnswers answers every order-list call with one canned answer and keeps
// the bodies sent.
type akAnswers struct {
	mu     sync.Mutex
	status int
	body   []byte
	sent   [][]byte
	// path is the call answered (PathOrderList when empty); any other
	// is not found.
	path string
}

func (a *akAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	var b []byte
	if r.Body != nil {
		b, _ = io.ReadAll(r.Body)
		r.Body.Close()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent = append(a.sent, b)
	status, body := a.status, a.body
	if r.URL.Path != cmp.Or(a.path, PathOrderList) {
		status, body = http.StatusNotFound, []byte("no such API")
	}
	return &http.Response{
		StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Retry-After": {"2"}, "Content-Type": {"application/json"}},
		Body:   io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}, nil
}

func (a *akAnswers) set(status int, body []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.status, a.body, a.sent = status, body, nil
}

// FuzzOrdersAnswer: any answer to the order list, read from any cursor
// (page number and token included), is a page of orders with ids and
// statuses, oldest update first, with a next cursor the client can read
// again (the same window, the page it names) and that moves when it says
// there is more; or a channel error that is malformed only when the HTTP
// status said success. The request sent asks for a window of at most 15
// days, page 1 or later.
func FuzzOrdersAnswer(f *testing.F) {
	page := `{"success":true,"errCode":"","errMsg":"","data":{"pageNo":1,"pageSize":30,"totalPages":1,"totalCount":2,"result":[` +
		`{"orderId":2023010612345678901,"orderCode":"AK1","orderStatus":4,"createTime":"2023-01-06T08:00:14.000+0000","updateTime":"2026-11-23T06:55:00.000+0000","buyerId":"100583221","receiverAddress":{"name":"Ayu","phone":"0812****890","address":"Jl. Merdeka 17","town":"Gambir","city":"Jakarta","zipCode":10110},"orderItemList":[{"id":1,"skuId":77,"apiSkuId":"POCO-M3","skuPrice":"2199000","skuSalePrice":"1999000.00","qty":"2","goodsInfos":[{"goodsNo":"G1"}]}]},` +
		`{"orderId":"2023010612345678902","orderStatus":-1,"createTime":1763880900000,"orderItemList":[{"skuId":78,"qty":1,"goodsInfos":{"goodsNo":"POCO-X3"}}]}]}}`
	f.Add(200, []byte(page), 0, "")
	f.Add(200, []byte(page), 2, "w1763881260000.1763881200000")
	f.Add(200, []byte(`{"success":true,"data":{"result":[],"totalPages":0}}`), 3, "w1763881260000.0")
	f.Add(200, []byte(`{"success":true,"data":null}`), 1, "not a token")
	f.Add(200, []byte(`{"success":false,"errCode":"REQUEST_TOO_FREQUENT","errMsg":"too frequent"}`), 0, "")
	f.Add(429, []byte(`Too Many Requests`), 0, "")
	f.Add(200, []byte(`{"success":false,"errCode":10110110100029,"errMsg":"ip not in white list"}`), 0, "")
	f.Add(500, []byte(`{"success":true,"data":{"result":[]}}`), 0, "")
	f.Add(200, []byte(`{"success":true,"data":{"totalPages":"9","result":[{"orderId":"1","createTime":"2026-11-23 13:59:00","orderItemList":[{"qty":-1}]}]}}`), 0, "")
	f.Add(200, []byte(`{"success":true,"data":{"totalCount":"x","result":[{"orderCode":"C","updateTime":"2026-11-23T06:59:59Z"}]}}`), 2, "w1.0")
	f.Add(200, []byte(`<html>blocked</html>`), 0, "")
	fake := &akAnswers{}
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC) // 14:00 WIB
	start := now.Add(-10 * time.Minute)
	keyPEM := testKeyPEM(f)
	f.Fuzz(func(t *testing.T, status int, body []byte, pageNo int, token string) {
		// A client per input: a rate limit answered to one would hold
		// the calls of the next (the pacer honours it).
		c, err := New(Config{ID: "akulaku-id", Market: "ID", BaseURL: "https://ec-oapi.akulaku.test", AppID: "test-app",
			AccessToken: "test-token", PrivateKeyPEM: keyPEM, Transport: fake, Now: func() time.Time { return now },
			CallsPerSecond: 100000})
		if err != nil {
			t.Fatal(err)
		}
		status = httpStatus(status)
		if status >= 502 && status <= 504 {
			status = 500 // the read client would retry these with backoff
		}
		fake.set(status, body)
		since := datasources.Cursor{UpdatedAfter: start, Page: abs(pageNo) % 5, Token: token}
		p, err := c.Orders(context.Background(), since)
		for _, b := range fake.sent {
			var req listRequest
			if err := json.Unmarshal(b, &req); err != nil {
				t.Fatalf("sent %q: %v", b, err)
			}
			if req.PageNo < 1 || req.PageSize != DefaultPageSize || req.StartUpdateTime != start.UnixMilli() ||
				req.EndUpdateTime <= req.StartUpdateTime || req.EndUpdateTime-req.StartUpdateTime > DefaultWindow.Milliseconds() {
				t.Fatalf("from cursor %+v, asked %+v", since, req)
			}
		}
		if err != nil {
			var e *datasources.Error
			if !errors.As(err, &e) || e.Channel != "akulaku-id" || e.Op != PathOrderList || e.Kind == 0 || e.Error() == "" {
				t.Fatalf("error %#v", err)
			}
			if e.Kind == datasources.ErrMalformed && (status < 200 || status > 299) {
				t.Fatalf("HTTP %d reported as malformed: %v", status, e)
			}
			if e.Kind == datasources.ErrRateLimited && e.RetryAfter <= 0 {
				t.Fatalf("rate limited without a wait: %v", e)
			}
			return
		}
		if len(fake.sent) > 0 && (status < 200 || status > 299) {
			t.Fatalf("HTTP %d accepted", status)
		}
		if p.Total < -1 {
			t.Fatalf("total %d: neither a count nor -1 (unknown)", p.Total)
		}
		for i, o := range p.Orders {
			if o.ID == "" || o.Status == "" || o.UpdatedAt.IsZero() {
				t.Fatalf("accepted order %+v", o)
			}
			if i > 0 && o.UpdatedAt.Before(p.Orders[i-1].UpdatedAt) {
				t.Fatal("orders not oldest update first")
			}
			for _, it := range o.Items {
				if it.Quantity < 0 {
					t.Fatalf("accepted item %+v", it)
				}
			}
		}
		n := p.Next
		if n.Page > 1 && len(fake.sent) == 1 {
			// The client reads its own cursor back: the next call asks for
			// that page of the same window, not page 1 of a new one.
			var first listRequest
			_ = json.Unmarshal(fake.sent[0], &first)
			fake.set(status, body)
			if _, err := c.Orders(context.Background(), n); err != nil {
				t.Fatalf("the same answer read from the next cursor %+v: %v", n, err)
			}
			var next listRequest
			if len(fake.sent) == 0 || json.Unmarshal(fake.sent[0], &next) != nil || next.PageNo != n.Page || next.EndUpdateTime != first.EndUpdateTime {
				t.Fatalf("next cursor %+v (after asking %+v) is not read back as page %d of the same window: sent %q", n, first, n.Page, fake.sent)
			}
		}
		if n.UpdatedAfter.Before(start.Add(-overlap)) {
			t.Fatalf("cursor moved back from %v to %v", start, n.UpdatedAfter)
		}
		if p.More && n.UpdatedAfter.Equal(since.UpdatedAfter) && n.Page == since.Page && n.Token == since.Token {
			t.Fatalf("more to read, but the cursor %+v did not move", n)
		}
	})
}

// httpStatus keeps a fuzzed status within 200..599, the final statuses a
// channel answers with.
func httpStatus(s int) int {
	if s < 200 || s > 599 {
		s = 200 + abs(s)%400
	}
	return s
}
