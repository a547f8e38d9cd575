package simulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources"
)

// The brand store dialect serves the contract in docs/brandstore-openapi.yaml
// with a bearer token: the reads (GET /v1/health, /v1/orders,
// /v1/orders/{order_id}, /v1/stock and /v1/sales/{sale_id}) and the
// actions (POST /v1/sales/{sale_id}/pause, /resume and /extend, and
// /v1/orders/{order_id}/cancel) with their Idempotency-Key. It is written
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
	keys  bsKeys        // the actions' idempotency keys

	// saleMu makes each sale action's check and change one step (two
	// extends must not both pass "later than the current end"), and
	// guards saleUpdated.
	saleMu      sync.Mutex
	saleUpdated time.Time // last change by an action; zero: none yet
}

func newBrandstoreDialect(b *Book, cr *Credentials) http.Handler {
	d := &brandstoreDialect{b: b, token: []byte(cr.StoreToken), mux: http.NewServeMux()}
	d.mux.HandleFunc("GET /v1/health", d.health)
	d.mux.HandleFunc("GET /v1/orders", d.orders)
	d.mux.HandleFunc("GET /v1/orders/{order_id}", d.order)
	d.mux.HandleFunc("GET /v1/stock", d.stock)
	d.mux.HandleFunc("GET /v1/sales/{sale_id}", d.sale)
	d.mux.HandleFunc("POST /v1/sales/{sale_id}/pause", d.action(OpPause, d.pause))
	d.mux.HandleFunc("POST /v1/sales/{sale_id}/resume", d.action(OpResume, d.resume))
	d.mux.HandleFunc("POST /v1/sales/{sale_id}/extend", d.action(OpExtend, d.extend))
	d.mux.HandleFunc("POST /v1/orders/{order_id}/cancel", d.action(OpCancel, d.cancel))
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
	writeJSON(w, status, d.errorBody(code, msg))
}

// errorBody is the contract's error body, with a request id of its own.
func (d *brandstoreDialect) errorBody(code, msg string) any {
	return map[string]any{"error": map[string]string{
		"code": code, "message": msg, "request_id": "sim-" + strconv.FormatUint(d.reqs.Add(1), 10),
	}}
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

// Limits of an action request, as the contract sets them.
const (
	bsMaxKey        = 255
	bsMaxReason     = 500
	bsMaxActor      = 100
	bsMaxActionBody = 64 << 10 // far above any valid body; a bound on memory
)

// bsSale is the contract's Sale.
type bsSale struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	State     string `json:"state"`
	Start     string `json:"start"`
	End       string `json:"end"`
	UpdatedAt string `json:"updated_at"`
}

// sale answers GET /v1/sales/{sale_id}: the read-back after an action.
func (d *brandstoreDialect) sale(w http.ResponseWriter, r *http.Request) {
	if a, ok := d.checkSale(r); !ok {
		a.write(w, false)
		return
	}
	d.saleMu.Lock()
	v := d.saleJSON()
	d.saleMu.Unlock()
	writeJSON(w, http.StatusOK, v)
}

// checkSale answers 404 unless the path names the book's sale.
func (d *brandstoreDialect) checkSale(r *http.Request) (bsAnswer, bool) {
	if id := r.PathValue("sale_id"); id != d.b.Sale().ID {
		return d.failure(http.StatusNotFound, "not_found", fmt.Sprintf("no sale %q", id)), false
	}
	return bsAnswer{}, true
}

// saleJSON is the sale now. Callers hold saleMu.
func (d *brandstoreDialect) saleJSON() bsSale {
	s := d.b.Sale()
	loc := s.Start.Location()
	updated := d.saleUpdated
	if updated.IsZero() {
		updated = s.Start
	}
	return bsSale{
		ID: s.ID, Name: s.Name, State: string(d.saleState()),
		Start:     s.Start.In(loc).Format(bsTimeFormat),
		End:       d.b.End().In(loc).Format(bsTimeFormat),
		UpdatedAt: updated.In(loc).Format(bsTimeFormat),
	}
}

// saleState is the sale's state word now. Paused comes first, before the
// clock: the contract's resume returns a sale to "ended if its end passed
// while paused" and its extend leaves a paused sale paused, so a sale is
// paused until resumed whatever its window says, and a read-back of a
// pause finds it. (/v1/stock keeps the book's per-SKU view, where the end
// of the window wins.)
func (d *brandstoreDialect) saleState() datasources.SaleState {
	now := d.b.Now()
	switch {
	case d.b.Paused():
		return datasources.SalePaused
	case now.Before(d.b.Sale().Start):
		return datasources.SaleScheduled
	case !now.Before(d.b.End()):
		return datasources.SaleEnded
	}
	for _, s := range d.b.Stock() {
		if s.Sellable > 0 {
			return datasources.SaleActive
		}
	}
	return datasources.SaleSoldOut
}

// pause answers POST /v1/sales/{sale_id}/pause. A paused sale is answered
// unchanged; an ended one cannot be paused.
func (d *brandstoreDialect) pause(r *http.Request, _ bsAction) bsAnswer {
	if a, ok := d.checkSale(r); !ok {
		return a
	}
	d.saleMu.Lock()
	defer d.saleMu.Unlock()
	switch d.saleState() {
	case datasources.SalePaused:
	case datasources.SaleEnded:
		return d.failure(http.StatusConflict, "invalid_state", fmt.Sprintf("sale %q ended at %s and can no longer be paused",
			d.b.Sale().ID, d.b.End().In(d.b.Sale().Start.Location()).Format(bsTimeFormat)))
	default:
		d.b.SetPaused(true)
		d.saleUpdated = d.b.Now()
	}
	return bsJSON(http.StatusOK, d.saleJSON())
}

// resume answers POST /v1/sales/{sale_id}/resume. A sale that is not
// paused is answered unchanged.
func (d *brandstoreDialect) resume(r *http.Request, _ bsAction) bsAnswer {
	if a, ok := d.checkSale(r); !ok {
		return a
	}
	d.saleMu.Lock()
	defer d.saleMu.Unlock()
	if d.b.Paused() {
		d.b.SetPaused(false)
		d.saleUpdated = d.b.Now()
	}
	return bsJSON(http.StatusOK, d.saleJSON())
}

// extend answers POST /v1/sales/{sale_id}/extend: until must be later than
// the current end and than now. A paused sale stays paused.
func (d *brandstoreDialect) extend(r *http.Request, in bsAction) bsAnswer {
	if a, ok := d.checkSale(r); !ok {
		return a
	}
	if in.until == nil || strings.TrimSpace(*in.until) == "" {
		return d.failure(http.StatusBadRequest, "invalid_parameter", "until is required: the new end of the sale, an RFC 3339 time with an offset")
	}
	until, err := time.Parse(time.RFC3339Nano, *in.until)
	if err != nil {
		return d.failure(http.StatusBadRequest, "invalid_parameter",
			fmt.Sprintf("until must be an RFC 3339 time with an offset, e.g. 2026-11-24T00:59:00+07:00, got %q", *in.until))
	}
	d.saleMu.Lock()
	defer d.saleMu.Unlock()
	loc := d.b.Sale().Start.Location()
	if end := d.b.End(); !until.After(end) {
		return d.failure(http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("until %s must be later than the sale's current end %s",
			until.In(loc).Format(bsTimeFormat), end.In(loc).Format(bsTimeFormat)))
	}
	if now := d.b.Now(); !until.After(now) {
		return d.failure(http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("until %s must be later than now (%s)",
			until.In(loc).Format(bsTimeFormat), now.In(loc).Format(bsTimeFormat)))
	}
	if err := d.b.SetEnd("", until); err != nil {
		return d.failure(http.StatusInternalServerError, "internal", "the sale's end could not be moved: "+err.Error())
	}
	d.saleUpdated = d.b.Now()
	return bsJSON(http.StatusOK, d.saleJSON())
}

// cancel answers POST /v1/orders/{order_id}/cancel with the order in its
// resulting state. A cancelled order is answered unchanged.
func (d *brandstoreDialect) cancel(r *http.Request, _ bsAction) bsAnswer {
	id := r.PathValue("order_id")
	o, err := d.b.CancelOrder(id)
	switch {
	case errors.Is(err, ErrNoSuchOrder):
		return d.failure(http.StatusNotFound, "not_found", fmt.Sprintf("no order %q", id))
	case errors.Is(err, ErrInvalidState):
		return d.failure(http.StatusConflict, "invalid_state", fmt.Sprintf("order %s is %s and can no longer be cancelled", id, bsStatus(o.Status)))
	case err != nil:
		return d.failure(http.StatusInternalServerError, "internal", "the order could not be cancelled: "+err.Error())
	}
	return bsJSON(http.StatusOK, d.orderJSON(o))
}

// bsAction is a decoded action body (ActionRequest, ExtendRequest).
type bsAction struct {
	reason string
	actor  string
	until  *string // extend only
}

// bsParseAction decodes and checks the part of an action body every
// action shares. msg is the invalid_parameter message, or "".
func bsParseAction(body []byte) (in bsAction, msg string) {
	var w struct {
		Reason *string `json:"reason"`
		Actor  *string `json:"actor"`
		Until  *string `json:"until"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return bsAction{}, "the body must be a JSON object with a reason: " + err.Error()
	}
	if w.Reason == nil || strings.TrimSpace(*w.Reason) == "" {
		return bsAction{}, "reason is required: why, in the operator's words"
	}
	if n := utf8.RuneCountInString(*w.Reason); n > bsMaxReason {
		return bsAction{}, fmt.Sprintf("reason is %d characters long, at most %d", n, bsMaxReason)
	}
	in = bsAction{reason: *w.Reason, until: w.Until}
	if w.Actor != nil {
		if n := utf8.RuneCountInString(*w.Actor); n > bsMaxActor {
			return bsAction{}, fmt.Sprintf("actor is %d characters long, at most %d", n, bsMaxActor)
		}
		in.actor = *w.Actor
	}
	return in, ""
}

// action wraps one action's handler in what the contract asks of every
// action: an Idempotency-Key whose repeats answer the first answer without
// applying again, a reason, and the injected faults. apply checks and
// applies the action and returns its answer.
func (d *brandstoreDialect) action(op string, apply func(*http.Request, bsAction) bsAnswer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		switch {
		case key == "":
			d.fail(w, http.StatusBadRequest, "invalid_parameter", "the Idempotency-Key header is required: one unique key per intended action")
			return
		case len(key) > bsMaxKey:
			d.fail(w, http.StatusBadRequest, "invalid_parameter", fmt.Sprintf("the Idempotency-Key is %d bytes long, at most %d", len(key), bsMaxKey))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bsMaxActionBody))
		if err != nil {
			d.fail(w, http.StatusBadRequest, "invalid_parameter", "the body could not be read: "+err.Error())
			return
		}
		call := r.Method + " " + r.URL.EscapedPath()
		switch state, first := d.keys.claim(key, call, body); state {
		case bsKeyReused:
			msg := "this Idempotency-Key was used for " + first.call
			if first.call == call {
				msg += " with another body"
			}
			d.fail(w, http.StatusUnprocessableEntity, "idempotency_key_reused", msg)
			return
		case bsKeyRunning:
			d.fail(w, http.StatusConflict, "request_in_progress", "a request with this Idempotency-Key is still being processed; ask again in a moment")
			return
		case bsKeyDone:
			first.ans.write(w, true)
			return
		}
		a := d.applyOnce(op, r, body, apply)
		d.keys.finish(key, a)
		a.write(w, false)
	}
}

// applyOnce runs one request with a new key under the fault armed for op:
// "fail" answers 500 without applying; "timeout" applies and then holds
// the answer until the fault's delay passes or the client gives up.
func (d *brandstoreDialect) applyOnce(op string, r *http.Request, body []byte, apply func(*http.Request, bsAction) bsAnswer) bsAnswer {
	f, faulty := d.b.TakeActionFault(op)
	if faulty && f.Mode == "fail" {
		return d.failure(http.StatusInternalServerError, "internal", "the store failed to "+op+" (a simulated fault); nothing was changed")
	}
	var a bsAnswer
	if in, msg := bsParseAction(body); msg != "" {
		a = d.failure(http.StatusBadRequest, "invalid_parameter", msg)
	} else {
		a = apply(r, in)
	}
	if a.status == http.StatusOK {
		d.b.CountAction(op)
	}
	if faulty && f.Mode == "timeout" {
		bsHold(r.Context(), f.Delay)
	}
	return a
}

// bsHold waits for d or until ctx ends.
func bsHold(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// bsAnswer is one answer to an action, kept whole to be replayed.
type bsAnswer struct {
	status int
	body   []byte
}

func bsJSON(status int, v any) bsAnswer {
	b, err := json.Marshal(v)
	if err != nil {
		return bsAnswer{status: http.StatusInternalServerError, body: []byte(`{"error":{"code":"internal","message":"answer not encodable"}}` + "\n")}
	}
	return bsAnswer{status: status, body: append(b, '\n')}
}

// failure is an error answer in the contract's body.
func (d *brandstoreDialect) failure(status int, code, msg string) bsAnswer {
	return bsJSON(status, d.errorBody(code, msg))
}

func (a bsAnswer) write(w http.ResponseWriter, replayed bool) {
	w.Header().Set("Content-Type", "application/json")
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// bsKeys remembers the actions' Idempotency-Keys for the simulator's life
// (the contract asks for at least 24 hours): the request each came with
// and its first answer.
type bsKeys struct {
	mu sync.Mutex
	m  map[string]*bsKeyed
}

type bsKeyed struct {
	call string   // method and path of the first request, for the 422
	fp   [32]byte // of method, path and body
	done bool     // false while the first request runs
	ans  bsAnswer
}

// What a key is when a request brings it.
type bsKeyState int

const (
	bsKeyNew     bsKeyState = iota // never seen: this request is the first
	bsKeyRunning                   // the first request has not answered yet
	bsKeyDone                      // the first request answered: replay it
	bsKeyReused                    // seen with another request
)

// claim looks key up for a request and, when it is new, records it as
// running, in one step: two requests with one new key cannot both apply.
func (k *bsKeys) claim(key, call string, body []byte) (bsKeyState, bsKeyed) {
	h := sha256.New()
	h.Write([]byte(call))
	h.Write([]byte{0})
	h.Write(body)
	var fp [32]byte
	h.Sum(fp[:0])
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.m[key]; ok {
		switch {
		case e.fp != fp:
			return bsKeyReused, *e
		case !e.done:
			return bsKeyRunning, *e
		}
		return bsKeyDone, *e
	}
	if k.m == nil {
		k.m = map[string]*bsKeyed{}
	}
	k.m[key] = &bsKeyed{call: call, fp: fp}
	return bsKeyNew, bsKeyed{}
}

// finish records the first answer to key. A 5xx is forgotten instead: the
// store failed before deciding anything, and a retry with the same key
// must be able to apply.
func (k *bsKeys) finish(key string, a bsAnswer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if a.status >= 500 {
		delete(k.m, key)
		return
	}
	if e, ok := k.m[key]; ok {
		e.done, e.ans = true, a
	}
}
