package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// The Lazada dialect: the Open Platform gateway under /rest and the token
// service under /auth/rest, answering the way the platform does — HTTP 200
// with an error envelope for refusals, signatures checked, string-typed
// numbers in places, and local times with their offset.

func init() { registerDialect(datasources.KindLazada, newLazadaDialect) }

const (
	lzMaxSkew       = 7200 * time.Second
	lzOrdersLimit   = 100
	lzMaxOffset     = 5000
	lzItemsBatch    = 50
	lzProductsLimit = 50
	lzTimeLayout    = "2006-01-02 15:04:05 -0700"
	lzSaleLayout    = "2006-01-02 15:04:05"
)

type lazadaDialect struct {
	b  *Book
	cr *Credentials

	mu sync.Mutex
	// tokens are the access tokens the gateway accepts now. A
	// TokenExpired fault empties the set once; a refresh adds a new one.
	tokens      map[string]bool
	expiredSeen bool
	issued      int
	reqSeq      atomic.Int64
	// apis maps a gateway path to its handler.
	apis map[string]func(http.ResponseWriter, map[string]string)
}

func newLazadaDialect(b *Book, cr *Credentials) http.Handler {
	d := &lazadaDialect{b: b, cr: cr, tokens: map[string]bool{cr.LazadaAccessToken: true}}
	d.apis = map[string]func(http.ResponseWriter, map[string]string){
		"/orders/get":       d.orders,
		"/orders/items/get": d.orderItems,
		"/products/get":     d.products,
		"/seller/get":       d.seller,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/rest/", d.api)
	mux.HandleFunc("/auth/rest/", d.auth)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, "ISV", "InvalidApiPath", "The specified API path is invalid")
	})
	return mux
}

type lzError struct {
	Type      string `json:"type"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

func (d *lazadaDialect) requestID() string {
	return fmt.Sprintf("0b8f%08x%06d", time.Now().Unix(), d.reqSeq.Add(1)%1000000)
}

// fail answers a refusal as Lazada does: HTTP 200 and an error envelope.
func (d *lazadaDialect) fail(w http.ResponseWriter, typ, code, msg string) {
	writeJSON(w, http.StatusOK, lzError{Type: typ, Code: code, Message: msg, RequestID: d.requestID()})
}

func (d *lazadaDialect) ok(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"code": "0", "data": data, "request_id": d.requestID()})
}

// lzSign is the platform's signature, written here independently of the
// client's so that a signing bug in one cannot hide in the other.
func lzSign(path string, params map[string]string, secret string) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(path))
	for _, k := range keys {
		mac.Write([]byte(k))
		mac.Write([]byte(params[k]))
	}
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

// params gathers query and form parameters, as the gateway signs both.
func lzParams(r *http.Request) (map[string]string, bool) {
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	p := make(map[string]string, len(r.Form))
	for k, v := range r.Form {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	return p, true
}

// verify checks the system parameters and the signature of a call to path.
func (d *lazadaDialect) verify(w http.ResponseWriter, r *http.Request, path string, needToken bool) (map[string]string, bool) {
	p, ok := lzParams(r)
	if !ok {
		d.fail(w, "ISV", "InvalidParameter", "The request parameters cannot be parsed")
		return nil, false
	}
	for _, k := range []string{"app_key", "timestamp", "sign_method", "sign"} {
		if p[k] == "" {
			d.fail(w, "ISV", "MissingParameter", "The input parameter \""+k+"\" that is mandatory for processing this request is not supplied")
			return nil, false
		}
	}
	if p["app_key"] != d.cr.LazadaAppKey {
		d.fail(w, "ISV", "InvalidAppKey", "The specified app key is invalid")
		return nil, false
	}
	if p["sign_method"] != "sha256" {
		d.fail(w, "ISV", "InvalidSignatureMethod", "The specified signature method is not supported")
		return nil, false
	}
	ms, err := strconv.ParseInt(p["timestamp"], 10, 64)
	if err != nil {
		d.fail(w, "ISV", "InvalidTimestamp", "The specified timestamp is invalid")
		return nil, false
	}
	if skew := time.Since(time.UnixMilli(ms)); skew > lzMaxSkew || skew < -lzMaxSkew {
		d.fail(w, "ISV", "InvalidTimestamp", "The specified timestamp is more than 7200 seconds away from the server time")
		return nil, false
	}
	if !hmac.Equal([]byte(lzSign(path, p, d.cr.LazadaAppSecret)), []byte(strings.ToUpper(p["sign"]))) {
		d.fail(w, "ISV", "IncompleteSignature", "The request signature does not conform to lazop standards")
		return nil, false
	}
	if needToken {
		tok := p["access_token"]
		d.mu.Lock()
		if d.b.Faults().TokenExpired {
			if !d.expiredSeen {
				d.expiredSeen = true
				clear(d.tokens)
			}
		} else {
			d.expiredSeen = false
		}
		valid := d.tokens[tok]
		d.mu.Unlock()
		if !valid {
			d.fail(w, "ISV", "IllegalAccessToken", "The specified access token is invalid or expired")
			return nil, false
		}
	}
	if d.b.Faults().RateLimited {
		d.fail(w, "ISV", "ApiCallLimit", "The request has exceeded the limit of this API, this ban will last 1 seconds")
		return nil, false
	}
	return p, true
}

func (d *lazadaDialect) api(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/rest")
	h := d.apis[path]
	if h == nil {
		d.fail(w, "ISV", "InvalidApiPath", "The specified API path is invalid: "+path)
		return
	}
	p, ok := d.verify(w, r, path, true)
	if !ok {
		return
	}
	h(w, p)
}

func (d *lazadaDialect) auth(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/auth/rest")
	if path != "/auth/token/refresh" {
		d.fail(w, "ISV", "InvalidApiPath", "The specified API path is invalid: "+path)
		return
	}
	p, ok := d.verify(w, r, path, false)
	if !ok {
		return
	}
	if p["refresh_token"] != d.cr.LazadaRefreshToken {
		d.fail(w, "ISV", "IllegalRefreshToken", "The specified refresh token is invalid or expired")
		return
	}
	d.mu.Lock()
	d.issued++
	tok := fmt.Sprintf("sim-access-token-%d", d.issued+1)
	d.tokens[tok] = true
	d.mu.Unlock()
	// The token service puts the tokens beside the envelope's fields.
	writeJSON(w, http.StatusOK, map[string]any{
		"code": "0", "request_id": d.requestID(),
		"access_token": tok, "refresh_token": d.cr.LazadaRefreshToken,
		"expires_in": 2592000, "refresh_expires_in": 15552000,
		"account": "seller@example.co.id", "country": strings.ToLower(d.b.Spec().Market),
	})
}

func (d *lazadaDialect) loc() *time.Location { return d.b.Sale().Start.Location() }

func (d *lazadaDialect) orders(w http.ResponseWriter, p map[string]string) {
	raw := p["update_after"]
	if raw == "" {
		raw = p["created_after"]
	}
	if raw == "" {
		d.fail(w, "ISV", "MissingParameter", "Either created_after or update_after is mandatory")
		return
	}
	after, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		d.fail(w, "ISV", "InvalidParameter", "update_after must be ISO 8601 like 2017-02-10T09:00:00+08:00")
		return
	}
	limit, offset := lzOrdersLimit, 0
	if v := p["limit"]; v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > lzOrdersLimit {
			d.fail(w, "ISV", "InvalidParameter", "limit must be between 1 and 100")
			return
		}
	}
	if v := p["offset"]; v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 || offset > lzMaxOffset {
			d.fail(w, "ISV", "InvalidParameter", "offset must be between 0 and 5000")
			return
		}
	}
	if p["sort_direction"] != "" && p["sort_direction"] != "ASC" || p["sort_by"] != "" && p["sort_by"] != "updated_at" {
		d.fail(w, "ISV", "InvalidParameter", "the simulator serves sort_by=updated_at, sort_direction=ASC only")
		return
	}
	// update_after is inclusive ("updated after or on") at one-second
	// precision; the book's window is exclusive in milliseconds.
	page, total := d.b.Updates(Query{After: after.Add(-time.Millisecond), Offset: offset, Limit: limit})
	out := make([]map[string]any, 0, len(page))
	for _, o := range page {
		out = append(out, d.orderJSON(o))
	}
	d.ok(w, map[string]any{"count": len(out), "countTotal": strconv.Itoa(total), "orders": out})
}

// lzMask masks a phone the way Lazada does for apps without data access:
// the first two and the last digit stay.
func lzMask(phone string) string {
	if len(phone) < 4 {
		return "****"
	}
	return phone[:2] + "****" + phone[len(phone)-1:]
}

func (d *lazadaDialect) orderJSON(o OrderView) map[string]any {
	first, last, _ := strings.Cut(o.Buyer.Name, " ")
	var price datasources.Money
	n := 0
	statuses := map[string]bool{}
	for _, it := range o.Items {
		price += it.Price * datasources.Money(it.Qty)
		n += it.Qty
		statuses[lzItemStatus(o, it)] = true
	}
	st := make([]string, 0, len(statuses))
	for s := range statuses {
		st = append(st, s)
	}
	sort.Strings(st)
	id, _ := strconv.ParseUint(o.ID, 10, 64)
	return map[string]any{
		"order_id":            id, // a JSON number, as Lazada sends it
		"order_number":        id,
		"created_at":          o.CreatedAt.In(d.loc()).Format(lzTimeLayout),
		"updated_at":          o.UpdatedAt.In(d.loc()).Format(lzTimeLayout),
		"price":               lzMoney(price),
		"items_count":         n,
		"statuses":            st,
		"payment_method":      "COD",
		"customer_first_name": first,
		"customer_last_name":  last,
		"address_shipping": map[string]any{
			"first_name": first, "last_name": last, "phone": lzMask(o.Buyer.Phone),
			"address1": o.Buyer.Address.Line1, "address3": o.Buyer.Address.Line2,
			"city": o.Buyer.Address.City, "post_code": o.Buyer.Address.PostCode, "country": o.Buyer.Address.Country,
		},
	}
}

func lzItemStatus(o OrderView, it ItemView) string {
	if it.Cancelled || o.Status == StatusCanceled {
		return "canceled"
	}
	return o.Status
}

func lzMoney(m datasources.Money) string {
	return fmt.Sprintf("%d.%02d", m/100, m%100)
}

func (d *lazadaDialect) orderItems(w http.ResponseWriter, p map[string]string) {
	var ids []json.Number
	if err := json.Unmarshal([]byte(p["order_ids"]), &ids); err != nil || len(ids) == 0 {
		d.fail(w, "ISV", "InvalidParameter", "order_ids must be a JSON array of order ids, like [1,2]")
		return
	}
	if len(ids) > lzItemsBatch {
		d.fail(w, "ISV", "InvalidParameter", "order_ids takes at most 50 ids")
		return
	}
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		o, ok := d.b.Order(id.String())
		if !ok {
			continue
		}
		var items []map[string]any
		for _, it := range o.Items {
			for u := 0; u < it.Qty; u++ { // one Lazada order item per unit
				items = append(items, map[string]any{
					"order_item_id": fmt.Sprintf("%s%02d", it.ID, u+1),
					"order_id":      o.ID,
					"buyer_id":      o.BuyerID,
					"sku":           it.SKU,
					"name":          it.Name,
					"status":        lzItemStatus(o, it),
					"item_price":    lzMoney(it.Price),
					"paid_price":    lzMoney(it.Price),
					"created_at":    o.CreatedAt.In(d.loc()).Format(lzTimeLayout),
					"updated_at":    o.UpdatedAt.In(d.loc()).Format(lzTimeLayout),
				})
			}
		}
		out = append(out, map[string]any{"order_id": o.ID, "order_number": o.ID, "order_items": items})
	}
	d.ok(w, out)
}

func (d *lazadaDialect) products(w http.ResponseWriter, p map[string]string) {
	limit, offset := 10, 0
	var err error
	if v := p["limit"]; v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > lzProductsLimit {
			d.fail(w, "ISV", "InvalidParameter", "limit must be between 1 and 50")
			return
		}
	}
	if v := p["offset"]; v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			d.fail(w, "ISV", "InvalidParameter", "offset must not be negative")
			return
		}
	}
	var want map[string]bool
	if v := p["sku_seller_list"]; v != "" {
		var skus []string
		if err := json.Unmarshal([]byte(v), &skus); err != nil {
			d.fail(w, "ISV", "InvalidParameter", "sku_seller_list must be a JSON array of seller SKUs")
			return
		}
		want = make(map[string]bool, len(skus))
		for _, s := range skus {
			want[s] = true
		}
	}
	all := d.b.Stock()
	var sel []StockView
	for _, s := range all {
		if want == nil || want[s.SKU] {
			sel = append(sel, s)
		}
	}
	total := len(sel)
	sel = sel[min(offset, len(sel)):min(offset+limit, len(sel))]
	products := make([]map[string]any, 0, len(sel))
	for i, s := range sel {
		status := "active"
		if s.State == datasources.SalePaused {
			status = "inactive"
		}
		products = append(products, map[string]any{
			"item_id":    strconv.Itoa(3000000000 + offset + i),
			"status":     "Active",
			"attributes": map[string]any{"name": s.Name},
			"skus": []map[string]any{{
				"SellerSku":         s.SKU,
				"Status":            status,
				"quantity":          s.Allocated,
				"sellableQuantity":  strconv.Itoa(max(s.Sellable, 0)),
				"price":             lzMoney(s.Price),
				"special_price":     lzMoney(s.SalePrice),
				"special_from_time": s.SaleStart.In(d.loc()).Format(lzSaleLayout),
				"special_to_time":   s.SaleEnd.In(d.loc()).Format(lzSaleLayout),
			}},
		})
	}
	d.ok(w, map[string]any{"total_products": total, "products": products})
}

func (d *lazadaDialect) seller(w http.ResponseWriter, _ map[string]string) {
	d.ok(w, map[string]any{
		"seller_id": 1000123456, "name": "Xiaomi Official Store", "short_code": "ID1XIAOMI",
		"status": "ACTIVE", "cb": false, "location": d.b.Spec().Market,
	})
}
