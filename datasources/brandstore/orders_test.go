package brandstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/brandstore"
)

var wib = time.FixedZone("WIB", 7*3600)

var saleStart = time.Date(2026, 11, 23, 14, 0, 0, 0, wib)

// pagingStore serves a fixed list of orders (sorted by update time) by the
// contract's rules, with an index cursor, and records every query.
type pagingStore struct {
	t      *testing.T
	orders []map[string]any
	mu     sync.Mutex
	asked  []url.Values
	// staleCursors: every cursor is refused as invalid_cursor.
	staleCursors bool
}

func (s *pagingStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	s.asked = append(s.asked, q)
	s.mu.Unlock()
	fail := func(status int, code, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	if r.Header.Get("Authorization") != "Bearer "+token {
		fail(401, "unauthorized", "unknown bearer token")
		return
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > 500 {
		fail(400, "invalid_parameter", "limit")
		return
	}
	var after time.Time
	if v := q.Get("updated_after"); v != "" {
		if after, err = time.Parse(time.RFC3339Nano, v); err != nil {
			fail(400, "invalid_parameter", "updated_after "+err.Error())
			return
		}
	}
	var window []map[string]any
	for _, o := range s.orders {
		u, _ := time.Parse(time.RFC3339Nano, o["updated_at"].(string))
		if after.IsZero() || u.After(after) {
			window = append(window, o)
		}
	}
	from := 0
	if c := q.Get("cursor"); c != "" {
		if s.staleCursors {
			fail(400, "invalid_cursor", "the cursor has expired")
			return
		}
		if from, err = strconv.Atoi(c); err != nil || from > len(window) {
			fail(400, "invalid_cursor", "not a cursor")
			return
		}
	}
	to := min(from+limit, len(window))
	page := map[string]any{"orders": window[from:to], "next_cursor": nil, "has_more": to < len(window), "total": len(window)}
	if to < len(window) {
		page["next_cursor"] = strconv.Itoa(to)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(page)
}

// storeOrder is a contract order updated at sale start + d.
func storeOrder(n int, d time.Duration, status string, qty int, price string) map[string]any {
	at := saleStart.Add(d).Format("2006-01-02T15:04:05.000Z07:00")
	return map[string]any{
		"id": fmt.Sprintf("50120%05d", n), "buyer_id": fmt.Sprint(100000 + n), "phone": "081234567890",
		"shipping_address": map[string]any{"name": "Ayu Santoso", "line1": "Jl. Merdeka No. 17", "line2": nil,
			"city": "Jakarta Selatan", "region": "DKI Jakarta", "post_code": "12130", "country": "ID"},
		"payment_fingerprint": "pf_3f1c0a9b77e2", "status": status,
		"created_at": saleStart.Format(time.RFC3339), "updated_at": at, "currency": "IDR",
		"items": []map[string]any{{"id": fmt.Sprintf("50120%05d01", n), "sku": "POCO-M3-464-BLK", "qty": qty, "unit_price": price, "cancelled": false}},
	}
}

func TestOrdersPagesWithTheCursor(t *testing.T) {
	store := &pagingStore{t: t}
	// 7 orders; the last three in the same second.
	for i, d := range []time.Duration{1, 2, 3, 5, 9, 9, 9} {
		store.orders = append(store.orders, storeOrder(i+1, d*time.Second+time.Duration(i)*time.Millisecond, "paid", 1, "1999000.00"))
	}
	c := newClient(t, store, func(cfg *brandstore.Config) { cfg.PageSize = 3 })
	ctx := context.Background()

	start := datasources.Cursor{UpdatedAfter: saleStart.Add(-time.Minute)}
	cur := start
	var got []string
	var pages []datasources.OrderPage
	for {
		p, err := c.Orders(ctx, cur)
		if err != nil {
			t.Fatalf("Orders(%+v): %v", cur, err)
		}
		pages = append(pages, p)
		for _, o := range p.Orders {
			got = append(got, o.ID)
		}
		cur = p.Next
		if !p.More {
			break
		}
		if len(pages) > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(pages) != 3 || len(got) != 7 {
		t.Fatalf("%d pages, %d orders; want 3 pages of 7 orders", len(pages), len(got))
	}
	for i, p := range pages[:2] {
		if !p.More || p.Next.Token != strconv.Itoa(3*(i+1)) || !p.Next.UpdatedAfter.Equal(start.UpdatedAfter) {
			t.Errorf("page %d: More %v, Next %+v; want the store's cursor in the same window", i, p.More, p.Next)
		}
		if p.Total != 7 {
			t.Errorf("page %d: Total = %d, want 7", i, p.Total)
		}
	}
	// The window is done: the next one starts a second before the latest
	// update seen, without the store's cursor.
	last := saleStart.Add(9*time.Second + 6*time.Millisecond)
	if want := (datasources.Cursor{UpdatedAfter: last.Add(-time.Second)}); !cur.UpdatedAfter.Equal(want.UpdatedAfter) || cur.Token != "" {
		t.Errorf("after the last page Next = %+v, want %+v", cur, want)
	}

	// What the client asked: the window's start in UTC, the page size, and
	// the store's cursor only after the first page.
	want := []url.Values{
		{"limit": {"3"}, "updated_after": {"2026-11-23T06:59:00Z"}},
		{"limit": {"3"}, "updated_after": {"2026-11-23T06:59:00Z"}, "cursor": {"3"}},
		{"limit": {"3"}, "updated_after": {"2026-11-23T06:59:00Z"}, "cursor": {"6"}},
	}
	if fmt.Sprint(store.asked) != fmt.Sprint(want) {
		t.Errorf("queries:\n got %v\nwant %v", store.asked, want)
	}

	// The next poll re-reads the overlap: the three orders of the last second.
	p, err := c.Orders(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 3 || p.More || !p.Next.UpdatedAfter.Equal(cur.UpdatedAfter) {
		t.Errorf("overlap: %d orders, More %v, Next %+v; want the last second's 3 again and the same cursor", len(p.Orders), p.More, p.Next)
	}

	// Nothing new: an empty page returns the same cursor.
	quiet := datasources.Cursor{UpdatedAfter: last}
	p, err = c.Orders(ctx, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 0 || p.More || p.Next != quiet || p.Total != 0 {
		t.Errorf("empty page: %+v, want no orders and Next = %+v", p, quiet)
	}
}

func TestOrdersFromTheBeginningOfTime(t *testing.T) {
	store := &pagingStore{t: t, orders: []map[string]any{storeOrder(1, time.Second, "paid", 1, "1.00")}}
	c := newClient(t, store)
	p, err := c.Orders(context.Background(), datasources.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 1 || store.asked[0].Has("updated_after") || store.asked[0].Get("limit") != "500" {
		t.Errorf("got %d orders asking %v; want 1, no updated_after, limit 500", len(p.Orders), store.asked[0])
	}
	// The overlap never moves a cursor before the window's start.
	if !p.Next.UpdatedAfter.Equal(saleStart) {
		t.Errorf("Next = %+v, want %v (a second before the order)", p.Next, saleStart)
	}
	since := datasources.Cursor{UpdatedAfter: saleStart.Add(500 * time.Millisecond)}
	if p, err = c.Orders(context.Background(), since); err != nil || !p.Next.UpdatedAfter.Equal(since.UpdatedAfter) {
		t.Errorf("Next = %+v (%v), want the window's start %v", p.Next, err, since.UpdatedAfter)
	}
}

func TestOrdersRecoverFromAForgottenCursor(t *testing.T) {
	store := &pagingStore{t: t, staleCursors: true}
	for i := range 4 {
		store.orders = append(store.orders, storeOrder(i+1, time.Duration(i+1)*time.Second, "paid", 1, "1.00"))
	}
	c := newClient(t, store, func(cfg *brandstore.Config) { cfg.PageSize = 3 })
	since := datasources.Cursor{UpdatedAfter: saleStart, Token: "from-before-the-restart"}
	p, err := c.Orders(context.Background(), since)
	if err != nil {
		t.Fatalf("Orders: %v", err)
	}
	if len(store.asked) != 2 || !store.asked[0].Has("cursor") || store.asked[1].Has("cursor") {
		t.Fatalf("queries %v: want the cursor refused, then the window asked afresh", store.asked)
	}
	if len(p.Orders) != 3 || !p.More || p.Next.Token != "3" || !p.Next.UpdatedAfter.Equal(saleStart) {
		t.Errorf("page: %d orders, More %v, Next %+v", len(p.Orders), p.More, p.Next)
	}
}

func TestOrdersDecodeTheContract(t *testing.T) {
	store := &pagingStore{t: t}
	o := storeOrder(1, time.Second, "paid", 2, "1999000.00")
	o["items"] = []map[string]any{
		{"id": "1", "sku": "POCO-M3-464-BLK", "qty": 2, "unit_price": "1999000.00", "cancelled": false},
		{"id": "2", "sku": "MI-BAND-5-BLK", "qty": 1, "unit_price": "399000", "cancelled": true},
	}
	gone := storeOrder(2, 2*time.Second, "cancelled", 1, "0.5")
	store.orders = []map[string]any{o, gone}
	p, err := newClient(t, store).Orders(context.Background(), datasources.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Orders) != 2 {
		t.Fatalf("%d orders", len(p.Orders))
	}
	got := p.Orders[0]
	want := datasources.Order{
		ID: "5012000001", BuyerID: "100001",
		CreatedAt: saleStart, UpdatedAt: saleStart.Add(time.Second),
		Status: "paid", Phone: "081234567890",
		Address: datasources.Address{Name: "Ayu Santoso", Line1: "Jl. Merdeka No. 17", City: "Jakarta Selatan",
			Region: "DKI Jakarta", PostCode: "12130", Country: "ID"},
		PaymentFingerprint: "pf_3f1c0a9b77e2",
		Items: []datasources.Item{
			{ID: "1", SKU: "POCO-M3-464-BLK", Quantity: 2, Price: 199900000},
			{ID: "2", SKU: "MI-BAND-5-BLK", Quantity: 1, Price: 39900000, Cancelled: true},
		},
	}
	if _, off := got.UpdatedAt.Zone(); off != 7*3600 {
		t.Errorf("the store's offset was lost: %v", got.UpdatedAt)
	}
	// Times compare as instants; the rest field by field.
	norm := func(o datasources.Order) datasources.Order {
		o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
		return o
	}
	if !reflect.DeepEqual(norm(got), norm(want)) {
		t.Errorf("order:\n got %+v\nwant %+v", got, want)
	}
	if u := got.Units("POCO-M3-464-BLK"); u != 2 {
		t.Errorf("units = %d", u)
	}
	// A cancelled order's lines are all cancelled, even when a line says not.
	if c := p.Orders[1]; c.Status != "cancelled" || !c.Items[0].Cancelled || c.Items[0].Price != 50 {
		t.Errorf("cancelled order: %+v", c)
	}
}
