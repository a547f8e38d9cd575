package simulator

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// The brand store dialect serves the read side of the contract in
// docs/brandstore-openapi.yaml: GET /v1/health, /v1/orders,
// /v1/orders/{order_id} and /v1/stock, with a bearer token. It is written
// from the contract, not from flashdeck's client (it shares no types with
// datasources/brandstore), so a misreading of the contract on either side
// shows up as a failing test instead of two matching mistakes.

func init() { registerDialect(datasources.KindBrandstore, newBrandstoreDialect) }

const (
	// bsDefaultLimit and bsMaxLimit are the contract's page sizes.
	bsDefaultLimit = 100
	bsMaxLimit     = 500
	// bsMaxSKUs is the most sku parameters one stock request may carry.
	bsMaxSKUs = 100
	// bsRetryAfter is what a rate-limited client is told to wait, in
	// seconds (wall time: Retry-After is HTTP's, not the sale clock's).
	bsRetryAfter = 2
	// bsCurrency: the demo store sells in Indonesia.
	bsCurrency = "IDR"
	// bsTimeFormat is RFC 3339 with milliseconds: the book keeps
	// milliseconds, and two updates in one second must differ.
	bsTimeFormat = "2006-01-02T15:04:05.000Z07:00"
)

// brandstoreDialect serves one Book as a brand store.
type brandstoreDialect struct {
	b     *Book
	token []byte
	mux   *http.ServeMux
	reqs  atomic.Uint64 // numbers request ids
}

func newBrandstoreDialect(b *Book, cr *Credentials) http.Handler {
	d := &brandstoreDialect{b: b, token: []byte(cr.StoreToken), mux: http.NewServeMux()}
	d.mux.HandleFunc("GET /v1/health", d.health)
	d.mux.HandleFunc("GET /v1/orders", d.orders)
	d.mux.HandleFunc("GET /v1/orders/{order_id}", d.order)
	d.mux.HandleFunc("GET /v1/stock", d.stock)
	d.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, http.StatusNotFound, "not_found", fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path))
	})
	return d
}

// ServeHTTP checks the token and the injected faults, then routes.
func (d *brandstoreDialect) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="brandstore"`)
		d.fail(w, http.StatusUnauthorized, "unauthorized", "a bearer token is required")
		return
	}
	if subtle.ConstantTimeCompare([]byte(tok), d.token) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="brandstore", error="invalid_token"`)
		d.fail(w, http.StatusUnauthorized, "unauthorized", "unknown bearer token")
		return
	}
	f := d.b.Faults()
	if f.TokenExpired {
		w.Header().Set("WWW-Authenticate", `Bearer realm="brandstore", error="invalid_token", error_description="expired"`)
		d.fail(w, http.StatusUnauthorized, "token_expired", "the access token has expired; ask the store team for a new one")
		return
	}
	if f.RateLimited {
		w.Header().Set("Retry-After", strconv.Itoa(bsRetryAfter))
		d.fail(w, http.StatusTooManyRequests, "rate_limited", fmt.Sprintf("too many requests; retry after %d s", bsRetryAfter))
		return
	}
	d.mux.ServeHTTP(w, r)
}

// fail writes the contract's error body.
func (d *brandstoreDialect) fail(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{
		"code": code, "message": msg, "request_id": "sim-" + strconv.FormatUint(d.reqs.Add(1), 10),
	}})
}

func (d *brandstoreDialect) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "time": d.b.Now().Format(bsTimeFormat)})
}

// bsCursor is what the opaque cursor holds: the window the paging started
// with and the position after the last order served, as (updated_at, id).
// A position, not a row offset: an order updated while a client pages moves
// to the end of the window, and an offset would then skip the order that
// slid into its place.
type bsCursor struct {
	V      int       `json:"v"`
	Window time.Time `json:"w,omitzero"`
	T      int64     `json:"t"` // updated_at of the last order served, unix ms
	ID     string    `json:"i"` // its id
}

func (c bsCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func bsDecodeCursor(s string) (bsCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bsCursor{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c bsCursor
	if dec.Decode(&c) != nil || c.V != 1 || c.T <= 0 || c.ID == "" {
		return bsCursor{}, false
	}
	return c, true
}

// bsIDLess orders the book's numeric ids as the book does, without parsing.
func bsIDLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (d *brandstoreDialect) orders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := bsDefaultLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > bsMaxLimit {
			d.fail(w, http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("limit must be an integer between 1 and %d, got %q", bsMaxLimit, s))
			return
		}
		limit = n
	}
	var after time.Time
	if s := q.Get("updated_after"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			d.fail(w, http.StatusBadRequest, "invalid_parameter",
				fmt.Sprintf("updated_after must be an RFC 3339 time with an offset, e.g. 2026-11-23T07:00:00Z (a \"+\" must be sent as %%2B), got %q", s))
			return
		}
		after = t
	}

	var (
		page  []OrderView
		more  bool
		total int
	)
	if s := q.Get("cursor"); s != "" {
		cur, ok := bsDecodeCursor(s)
		if !ok {
			d.fail(w, http.StatusBadRequest, "invalid_cursor", "the cursor is not one this store issued; start again without it")
			return
		}
		if q.Has("updated_after") && !after.Equal(cur.Window) {
			d.fail(w, http.StatusBadRequest, "invalid_cursor", "the cursor belongs to another updated_after; start again without it")
			return
		}
		after = cur.Window
		page, more = d.after(cur, limit)
		// Offset past the end: the book only counts, it builds no views.
		_, total = d.b.Updates(Query{After: after, Offset: math.MaxInt, Limit: 1})
	} else {
		page, total = d.b.Updates(Query{After: after, Limit: limit})
		more = total > len(page)
	}

	out := struct {
		Orders     []bsOrder `json:"orders"`
		NextCursor *string   `json:"next_cursor"`
		HasMore    bool      `json:"has_more"`
		Total      int       `json:"total"`
	}{Orders: make([]bsOrder, 0, len(page)), HasMore: more, Total: total}
	for _, o := range page {
		out.Orders = append(out.Orders, d.orderJSON(o))
	}
	if more {
		last := page[len(page)-1]
		next := bsCursor{V: 1, Window: after, T: last.UpdatedAt.UnixMilli(), ID: last.ID}.encode()
		out.NextCursor = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// after returns up to limit orders positioned after the cursor, in the
// book's (update time, id) order, and whether more follow. The book pages
// by offset, so it is asked from the millisecond of the cursor's last order
// on and the orders at or before that position are dropped; each ask is
// one consistent reading of the book.
func (d *brandstoreDialect) after(cur bsCursor, limit int) ([]OrderView, bool) {
	from := time.UnixMilli(cur.T - 1) // Updates is strictly after: keep cur.T itself
	for n := limit + 16; ; n *= 2 {
		views, total := d.b.Updates(Query{After: from, Limit: n})
		skip := 0
		for skip < len(views) && views[skip].UpdatedAt.UnixMilli() == cur.T && !bsIDLess(cur.ID, views[skip].ID) {
			skip++
		}
		if len(views)-skip >= limit || len(views) == total {
			page := views[skip:min(len(views), skip+limit)]
			return page, total-skip > len(page)
		}
	}
}

func (d *brandstoreDialect) order(w http.ResponseWriter, r *http.Request) {
	o, ok := d.b.Order(r.PathValue("order_id"))
	if !ok {
		d.fail(w, http.StatusNotFound, "not_found", fmt.Sprintf("no order %q", r.PathValue("order_id")))
		return
	}
	writeJSON(w, http.StatusOK, d.orderJSON(o))
}

type bsOrder struct {
	ID                 string    `json:"id"`
	BuyerID            string    `json:"buyer_id"`
	Phone              string    `json:"phone"`
	ShippingAddress    bsAddress `json:"shipping_address"`
	PaymentFingerprint string    `json:"payment_fingerprint"`
	Status             string    `json:"status"`
	CreatedAt          string    `json:"created_at"`
	UpdatedAt          string    `json:"updated_at"`
	Currency           string    `json:"currency"`
	Items              []bsItem  `json:"items"`
}

type bsAddress struct {
	Name     string `json:"name"`
	Line1    string `json:"line1"`
	Line2    string `json:"line2"`
	City     string `json:"city"`
	Region   string `json:"region"`
	PostCode string `json:"post_code"`
	Country  string `json:"country"`
}

type bsItem struct {
	ID        string `json:"id"`
	SKU       string `json:"sku"`
	Qty       int    `json:"qty"`
	UnitPrice string `json:"unit_price"`
	Cancelled bool   `json:"cancelled"`
}

// bsStatus maps the book's status to the contract's word. The book's
// "pending" is an order paid and waiting for the seller: "paid" here.
func bsStatus(s string) string {
	switch s {
	case StatusPending:
		return "paid"
	case StatusCanceled:
		return "cancelled"
	}
	return s // ready_to_ship, shipped: the same words
}

func (d *brandstoreDialect) orderJSON(o OrderView) bsOrder {
	country := d.b.Spec().Market
	if country == "" {
		country = "ID"
	}
	a := o.Buyer.Address
	out := bsOrder{
		ID:      o.ID,
		BuyerID: o.BuyerID,
		// A brand store knows its customers: the phone is unmasked.
		Phone: o.Buyer.Phone,
		ShippingAddress: bsAddress{
			Name: o.Buyer.Name, Line1: a.Line1, Line2: a.Line2, City: a.City,
			Region: a.Region, PostCode: a.PostCode, Country: strings.ToUpper(country),
		},
		PaymentFingerprint: o.Buyer.PaymentFP,
		Status:             bsStatus(o.Status),
		CreatedAt:          o.CreatedAt.Format(bsTimeFormat),
		UpdatedAt:          o.UpdatedAt.Format(bsTimeFormat),
		Currency:           bsCurrency,
		Items:              make([]bsItem, 0, len(o.Items)),
	}
	for _, it := range o.Items {
		out.Items = append(out.Items, bsItem{
			ID: it.ID, SKU: it.SKU, Qty: it.Qty, UnitPrice: bsMoney(it.Price),
			Cancelled: it.Cancelled || o.Status == StatusCanceled,
		})
	}
	return out
}

// bsMoney writes hundredths as the contract's decimal string ("1999000.00").
func bsMoney(m datasources.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%02d", sign, m/100, m%100)
}

func (d *brandstoreDialect) stock(w http.ResponseWriter, r *http.Request) {
	var want []string
	for _, s := range r.URL.Query()["sku"] {
		if s = strings.TrimSpace(s); s != "" {
			want = append(want, s)
		}
	}
	if len(want) > bsMaxSKUs {
		d.fail(w, http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("at most %d sku parameters, got %d", bsMaxSKUs, len(want)))
		return
	}
	all := d.b.Stock()
	rows := all
	if len(want) > 0 {
		// In the order asked, each once; SKUs the store does not have
		// are left out, as the contract says.
		by := make(map[string]StockView, len(all))
		for _, s := range all {
			by[s.SKU] = s
		}
		rows = rows[:0:0]
		seen := map[string]bool{}
		for _, sku := range want {
			if s, ok := by[sku]; ok && !seen[sku] {
				seen[sku] = true
				rows = append(rows, s)
			}
		}
	}
	type level struct {
		SKU       string  `json:"sku"`
		Sellable  int     `json:"sellable"`
		Allocated int     `json:"allocated"`
		Price     string  `json:"price"`
		SalePrice *string `json:"sale_price"`
		SaleStart *string `json:"sale_start"`
		SaleEnd   *string `json:"sale_end"`
		State     string  `json:"state"`
	}
	out := struct {
		AsOf     string  `json:"as_of"`
		Currency string  `json:"currency"`
		SKUs     []level `json:"skus"`
	}{AsOf: d.b.Now().Format(bsTimeFormat), Currency: bsCurrency, SKUs: make([]level, 0, len(rows))}
	opt := func(s string) *string { return &s }
	optTime := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		return opt(t.Format(bsTimeFormat))
	}
	for _, s := range rows {
		out.SKUs = append(out.SKUs, level{
			SKU: s.SKU, Sellable: max(s.Sellable, 0), Allocated: s.Allocated,
			Price: bsMoney(s.Price), SalePrice: opt(bsMoney(s.SalePrice)),
			SaleStart: optTime(s.SaleStart), SaleEnd: optTime(s.SaleEnd), State: string(s.State),
		})
	}
	writeJSON(w, http.StatusOK, out)
}
