package akulaku

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// The seed corpora live in testdata/fuzz/<target>/: real-shaped answers,
// refusals, truncations and odd numbers.

// FuzzDecodeEnvelope: any answer becomes data or a *datasources.Error that
// names the channel, the call and a kind — never a panic.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = 100 + abs(status)%500
		h := http.Header{"Retry-After": []string{"2"}}
		data, err := decodeEnvelope("akulaku-id", PathOrderList, status, h, body)
		if err != nil {
			var e *datasources.Error
			if !errors.As(err, &e) || e.Channel != "akulaku-id" || e.Op != PathOrderList || e.Kind == 0 {
				t.Fatalf("error %#v", err)
			}
			if e.Kind == datasources.ErrRateLimited && e.RetryAfter <= 0 {
				t.Fatalf("rate limit without a wait: %v", e)
			}
			_ = e.Error()
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("HTTP %d accepted as data %q", status, data)
		}
	})
}

// FuzzDecodeOrderList: any order-list data decodes to orders with ids,
// oldest update first, or to an error — never a panic.
func FuzzDecodeOrderList(f *testing.F) {
	loc := marketZone("ID")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decodeOrderList(data)
		if err != nil {
			return
		}
		orders, ascending, last, err := pageOrders(d.Result, loc, defaultStatusWords)
		if err != nil {
			return
		}
		if len(orders) != len(d.Result) {
			t.Fatalf("%d orders from %d", len(orders), len(d.Result))
		}
		for i, o := range orders {
			if o.ID == "" || o.Status == "" {
				t.Fatalf("order %d: %+v", i, o)
			}
			if i > 0 && o.UpdatedAt.Before(orders[i-1].UpdatedAt) {
				t.Fatal("orders not oldest update first")
			}
			for _, it := range o.Items {
				if it.Quantity < 0 {
					t.Fatalf("negative quantity: %+v", it)
				}
				if it.Cancelled != (o.Status == "cancelled") {
					t.Fatalf("item cancelled %v in a %s order", it.Cancelled, o.Status)
				}
			}
		}
		if ascending && len(orders) > 0 && !last.Equal(orders[len(orders)-1].UpdatedAt) {
			t.Fatalf("last %v, but the last order was updated %v", last, orders[len(orders)-1].UpdatedAt)
		}
	})
}

// FuzzParseTime: every time Akulaku might write parses or errs, and what
// parses is stable when written back as epoch milliseconds.
func FuzzParseTime(f *testing.F) {
	loc := marketZone("ID")
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := parseTime(s, loc)
		if err != nil || tm.IsZero() {
			return
		}
		ms := tm.UnixMilli()
		if ms < 100_000_000_000 || ms >= 10_000_000_000_000_000 {
			return // not 12 to 16 digits: would be read back as seconds or refused
		}
		back, err := parseTime(strconv.FormatInt(ms, 10), loc)
		if err != nil || !back.Equal(time.UnixMilli(ms)) {
			t.Fatalf("%q → %v → %d → %v, %v", s, tm, ms, back, err)
		}
	})
}

// FuzzParsePrivateKey: the key from the environment never panics the
// parser, and a key it accepts can sign.
func FuzzParsePrivateKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePrivateKey(s)
		if err != nil {
			return
		}
		if _, err := Sign(k, "a", "1", []byte("{}")); err != nil {
			t.Fatalf("accepted key cannot sign: %v", err)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // the smallest int
			return 0
		}
		return -n
	}
	return n
}
