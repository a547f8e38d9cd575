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
	// acts maps the paths of change requests to theirs: they need the
	// request (its method, and its context while an answer is held back).
	acts map[string]lzAction
}

func newLazadaDialect(b *Book, cr *Credentials) http.Handler {
	d := &lazadaDialect{b: b, cr: cr, tokens: map[string]bool{cr.LazadaAccessToken: true}}
	d.apis = map[string]func(http.ResponseWriter, map[string]string){
		"/orders/get":       d.orders,
		"/orders/items/get": d.orderItems,
		"/products/get":     d.products,
		"/seller/get":       d.seller,
		"/order/get":        d.order,
	}
	d.acts = map[string]lzAction{
		"/product/price_quantity/update": {method: http.MethodPost, h: d.stockUpdate(lzPriceQuantity)},
		"/product/stock/sellable/update": {method: http.MethodPost, h: d.stockUpdate(lzSellableUpdate)},
		"/product/stock/sellable/adjust": {method: http.MethodPost, h: d.stockUpdate(lzSellableAdjust)},
		"/order/reverse/cancel/validate": {h: d.cancelValidate},
		"/order/reverse/cancel/create":   {h: d.cancelCreate},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/rest/", d.api)
	mux.HandleFunc("/auth/rest/", d.auth)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, "ISV", "InvalidApiPath", "The specified API path is invalid")
	})
	// A rate-limit ban (Faults.Ban) refuses every request of the channel,
	// before anything else is looked at.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if secs, banned := b.TakeBan(time.Now()); banned {
			d.fail(w, "ISV", "ApiCallLimit", lzBanMessage(secs))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// lzBanMessage is Lazada's words for a rate-limit ban of secs seconds.
func lzBanMessage(secs int) string {
	return fmt.Sprintf("Api access frequency exceeds the limit. this ban will last %d seconds.", secs)
}

type lzError struct {
	Type      string     `json:"type"`
	Code      string     `json:"code"`
	Message   string     `json:"message"`
	Detail    []lzDetail `json:"detail,omitempty"`
	RequestID string     `json:"request_id"`
}

// lzDetail is one per-SKU problem of a refused product update.
type lzDetail struct {
	Field     string `json:"field"`
	SellerSku string `json:"seller_sku"`
	Message   string `json:"message"`
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
		d.fail(w, "ISV", "ApiCallLimit", lzBanMessage(1))
		return nil, false
	}
	return p, true
}

func (d *lazadaDialect) api(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/rest")
	if a, ok := d.acts[path]; ok {
		d.act(w, r, path, a)
		return
	}
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

// loc is the zone Lazada writes a market's local times in: UTC+8 for
// Malaysia, the Philippines and Singapore, UTC+7 for Indonesia, Thailand
// and Vietnam. A sale's times are the same instants in every market; only
// the wall clock they are written in differs.
func (d *lazadaDialect) loc() *time.Location {
	switch strings.ToUpper(d.b.Spec().Market) {
	case "MY", "PH", "SG":
		return time.FixedZone("UTC+8", 8*3600)
	}
	return time.FixedZone("UTC+7", 7*3600)
}

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
	// update_after and update_before are inclusive ("after or on", "before
	// or on") at one-second precision; the book's After is exclusive and
	// its Before inclusive, in milliseconds.
	q := Query{After: after.Add(-time.Millisecond), Offset: offset, Limit: limit}
	if raw := p["update_before"]; raw != "" {
		before, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			d.fail(w, "ISV", "InvalidParameter", "update_before must be ISO 8601 like 2017-02-10T09:00:00+08:00")
			return
		}
		q.Before = before.Truncate(time.Second).Add(time.Second - time.Millisecond)
	}
	page, total := d.b.Updates(q)
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

// lzItemID is the id of the u-th unit (from 0) of an order line: one
// Lazada order item per unit.
func lzItemID(it ItemView, u int) string { return fmt.Sprintf("%s%02d", it.ID, u+1) }

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
					"order_item_id": lzItemID(it, u),
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

// Lazada's product ids: each product of the scenario is one item of one
// SKU, numbered by its place in the scenario.
const (
	lzItemIDBase = 3_000_000_000
	lzSkuIDBase  = 11_000_000_000
)

func lzItemIDOf(i int32) int64 { return lzItemIDBase + int64(i) }
func lzSkuIDOf(i int32) int64  { return lzSkuIDBase + int64(i) }

const (
	// lzProductsMaxOffset is the largest offset /products/get takes: past
	// it, sku_seller_list is the way to a SKU.
	lzProductsMaxOffset = 10_000
	// lzSellerListMax is the most SKUs a sku_seller_list query returns.
	lzSellerListMax = 100
	// The formats of a sale price's window in /products/get.
	lzSpecialTimeFormat = "yyyy-MM-dd HH:mm"
	lzMinuteLayout      = "2006-01-02 15:04"
	lzDateLayout        = "2006-01-02"
	// lzCampaignLength is how long a platform campaign's hold on stock
	// lasts, as channelInventories and error 4170 report it.
	lzCampaignLength = 24 * time.Hour
)

// lzProductFilters are the filter values /products/get takes (the last is
// the legacy API's, still listed).
var lzProductFilters = map[string]bool{
	"all": true, "live": true, "inactive": true, "deleted": true, "pending": true,
	"rejected": true, "sold-out": true, "image-missing": true,
}

// products serves /products/get (GetProducts): one product per SKU, paged
// by offset (at most 10,000) and limit (at most 50), or selected by
// sku_seller_list. A SKU's sellable stock is reported only per warehouse,
// in multiWarehouseInventories, as Lazada reports it; the SKU's quantity
// and Available are its sellable stock over all warehouses, as in
// Lazada's sample. The date filters (update_after…) are checked and
// otherwise ignored: every product is listed, a superset of what they ask.
func (d *lazadaDialect) products(w http.ResponseWriter, p map[string]string) {
	limit, offset := 10, 0
	var err error
	if v := p["limit"]; v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > lzProductsLimit {
			d.fail(w, "ISV", "19", fmt.Sprintf("E019: Invalid Limit: %q, the limit should be from 1 to a maximum of 50", v))
			return
		}
	}
	if v := p["offset"]; v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 || offset > lzProductsMaxOffset {
			d.fail(w, "ISV", "14", fmt.Sprintf("E014: Invalid Offset: %q, the offset should be from 0 to a maximum of 10000; query a SKU by sku_seller_list", v))
			return
		}
	}
	filter := p["filter"]
	if filter != "" && !lzProductFilters[filter] {
		d.fail(w, "ISV", "36", fmt.Sprintf("E036: Invalid status filter: %q; possible values are all, live, inactive, deleted, pending, rejected, sold-out", filter))
		return
	}
	for _, k := range []string{"update_after", "update_before", "create_after", "create_before"} {
		if v := p[k]; v != "" && !lzISOTime(v) {
			d.fail(w, "ISV", "17", fmt.Sprintf("E017: Invalid Date Format: %s %q, use ISO 8601 like 2010-01-01T00:00:00+0800", k, v))
			return
		}
	}
	var want map[string]bool
	if v := p["sku_seller_list"]; v != "" {
		var skus []string
		if err := json.Unmarshal([]byte(v), &skus); err != nil {
			d.fail(w, "ISV", "70", `E070: corrupt sku seller list: sku_seller_list must be a JSON array of seller SKUs, like ["A","B"]`)
			return
		}
		want = make(map[string]bool, len(skus))
		for _, s := range skus {
			want[s] = true
		}
	}
	var sel []StockView
	for _, s := range d.b.Stock() {
		if want != nil && !want[s.SKU] {
			continue
		}
		switch filter {
		case "", "all":
		case "live":
			if lzSkuStatus(s) != "active" {
				continue
			}
		case "inactive":
			if lzSkuStatus(s) != "inactive" {
				continue
			}
		case "sold-out":
			if s.Sellable > 0 {
				continue
			}
		default: // deleted, pending, rejected, image-missing: none here
			continue
		}
		sel = append(sel, s)
	}
	if want != nil && len(sel) > lzSellerListMax {
		sel = sel[:lzSellerListMax]
	}
	total := len(sel)
	sel = sel[min(offset, len(sel)):min(offset+limit, len(sel))]
	products := make([]map[string]any, 0, len(sel))
	for _, s := range sel {
		i := d.b.skuIdx[s.SKU] // fixed when the book was made
		products = append(products, map[string]any{
			"item_id":    lzItemIDOf(i),
			"status":     "Active",
			"attributes": map[string]any{"name": s.Name},
			"skus":       []map[string]any{d.skuJSON(s, i)},
		})
	}
	d.ok(w, map[string]any{"total_products": total, "products": products})
}

// lzISOTime reports whether v is an ISO 8601 time as GetProducts takes it.
func lzISOTime(v string) bool {
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}

// lzSkuStatus is a SKU's Status: inactive while the book pauses its sale.
func lzSkuStatus(s StockView) string {
	if s.State == datasources.SalePaused {
		return "inactive"
	}
	return "active"
}

// skuJSON is one SKU as /products/get reports it. The book keeps every
// reserved unit on the first warehouse, so only the first reports an
// occupyQuantity; withholdQuantity is always 0 (no order is unpaid).
func (d *lazadaDialect) skuJSON(s StockView, i int32) map[string]any {
	loc := d.loc()
	whs := make([]map[string]any, len(s.Warehouses))
	for k, wh := range s.Warehouses {
		whs[k] = map[string]any{
			"warehouseCode":    wh.Code,
			"quantity":         wh.Sellable,
			"sellableQuantity": wh.Sellable,
			"occupyQuantity":   wh.Reserved,
			"withholdQuantity": 0,
			"totalQuantity":    wh.Sellable + wh.Reserved,
		}
	}
	sku := map[string]any{
		"SellerSku":                 s.SKU,
		"SkuId":                     lzSkuIDOf(i),
		"ShopSku":                   fmt.Sprintf("%d_%s-%d", lzItemIDOf(i), strings.ToUpper(d.b.Spec().Market), lzSkuIDOf(i)),
		"Status":                    lzSkuStatus(s),
		"quantity":                  s.Sellable,
		"Available":                 s.Sellable,
		"price":                     lzMoney(s.Price),
		"special_price":             lzMoney(s.SalePrice),
		"special_time_format":       lzSpecialTimeFormat,
		"special_from_time":         s.SaleStart.In(loc).Format(lzMinuteLayout),
		"special_to_time":           s.SaleEnd.In(loc).Format(lzMinuteLayout),
		"special_from_date":         s.SaleStart.In(loc).Format(lzDateLayout),
		"special_to_date":           s.SaleEnd.In(loc).Format(lzDateLayout),
		"multiWarehouseInventories": whs,
		"fblWarehouseInventories":   []any{},
	}
	if s.Locked > 0 {
		sku["channelInventories"] = d.campaignStock(s)
	}
	return sku
}

func (d *lazadaDialect) seller(w http.ResponseWriter, _ map[string]string) {
	d.ok(w, map[string]any{
		"seller_id": 1000123456, "name": "Xiaomi Official Store", "short_code": "ID1XIAOMI",
		"status": "ACTIVE", "cb": false, "location": d.b.Spec().Market,
	})
}

// campaignStock is a SKU's locked stock as /products/get reports it: a
// platform campaign's channelInventories, from the moment SetLocked was
// called, for a day.
func (d *lazadaDialect) campaignStock(s StockView) []map[string]any {
	from := s.LockedFrom.In(d.loc())
	return []map[string]any{{
		"channelName":      "Mega Campaign",
		"sellableQuantity": strconv.Itoa(s.Locked),
		"startTime":        from.Format(lzSaleLayout),
		"endTime":          from.Add(lzCampaignLength).Format(lzSaleLayout),
	}}
}

// order serves /order/get: one order, as /orders/get lists it.
func (d *lazadaDialect) order(w http.ResponseWriter, p map[string]string) {
	d.b.countOrderRead(p["order_id"])
	o, ok := d.b.Order(p["order_id"])
	if !ok {
		d.noOrder(w, p["order_id"])
		return
	}
	d.ok(w, d.orderJSON(o))
}

func (d *lazadaDialect) noOrder(w http.ResponseWriter, id string) {
	if id == "" {
		d.fail(w, "ISV", "MissingParameter", "The input parameter \"order_id\" that is mandatory for processing this request is not supplied")
		return
	}
	d.fail(w, "ISV", "16", fmt.Sprintf("E016: %q Invalid Order ID", id))
}

// The change requests. Each is verified like every call, then checked as a
// whole before anything is applied (the simulator refuses a payload with
// one bad SKU, naming it in detail[]), then subject to the book's action
// faults: "fail" answers a backend error without applying, "ignore" a
// success without applying, "detail" a success with per-SKU failures
// (lazada_stock.go), and "timeout" applies and then holds the answer back.

// lzAction is the handler of a change request and the HTTP method it
// needs ("" for any).
type lzAction struct {
	method string
	h      func(http.ResponseWriter, *http.Request, map[string]string)
}

func (d *lazadaDialect) act(w http.ResponseWriter, r *http.Request, path string, a lzAction) {
	if a.method != "" && r.Method != a.method {
		d.fail(w, "ISV", "UnsupportedHTTPMethod", fmt.Sprintf("The HTTP method %s is not supported by the API %s: call it with %s", r.Method, path, a.method))
		return
	}
	p, ok := d.verify(w, r, path, true)
	if !ok {
		return
	}
	a.h(w, r, p)
}

// takeFault takes the action fault armed for op, if any. "fail" and
// "ignore" are answered here: a backend failure as Lazada answers one
// (HTTP 200 and an ISP error), or a success that applied nothing (a
// gateway that dropped the request's fields). done tells the caller to
// return without applying anything. Other modes are the caller's.
func (d *lazadaDialect) takeFault(w http.ResponseWriter, op string) (f ActionFault, done bool) {
	f, ok := d.b.TakeActionFault(op)
	switch {
	case !ok:
		return ActionFault{}, false
	case f.Mode == "fail":
		d.fail(w, "ISP", "ServiceUnavailable", "Backend service is unavailable, please try again later")
		return f, true
	case f.Mode == "ignore":
		d.ok(w, map[string]any{})
		return f, true
	}
	return f, false
}

// hold keeps an applied action's answer back for a "timeout" fault: for
// its Delay, or until the client gives up and the request ends.
func hold(r *http.Request, f ActionFault) {
	if f.Mode != "timeout" {
		return
	}
	select {
	case <-time.After(f.Delay):
	case <-r.Context().Done():
	}
}

// lzCancelReasons are the reasons a seller may cancel with, as Lazada
// offers them. With the last two Lazada also sets the SKUs' sellable
// stock to 0 ("to prevent new orders while you adjust your stock/pricing").
var lzCancelReasons = []struct {
	ID, Name  string
	ZeroStock bool
}{
	{"10000019", "Sourcing Delay", false},
	{"10000021", "Out of Stock", true},
	{"10000023", "Wrong Price or Pricing Error", true},
}

const lzCancelWarning = "SKU stock may be set to 0 after cancellation due to reasons: 'out of stock' or 'incorrect pricing', " +
	"to prevent new orders while you adjust your stock/pricing. Note that cancellations can impact your ability to sell on Lazada if not managed carefully."

// cancelTarget reads order_id and order_item_id_list and checks the items
// belong to the order. It answers the refusal itself when not.
func (d *lazadaDialect) cancelTarget(w http.ResponseWriter, p map[string]string) (OrderView, map[string]bool, bool) {
	o, ok := d.b.Order(p["order_id"])
	if !ok {
		d.noOrder(w, p["order_id"])
		return OrderView{}, nil, false
	}
	var ids []json.Number
	if err := json.Unmarshal([]byte(p["order_item_id_list"]), &ids); err != nil || len(ids) == 0 {
		d.fail(w, "ISV", "InvalidParameter", "order_item_id_list must be a JSON array of order item ids, like [1,2]")
		return OrderView{}, nil, false
	}
	items := map[string]bool{} // order item id → cancelled
	for _, it := range o.Items {
		for u := range it.Qty {
			items[lzItemID(it, u)] = it.Cancelled || o.Status == StatusCanceled
		}
	}
	asked := map[string]bool{}
	for _, id := range ids {
		if _, ok := items[id.String()]; !ok {
			d.fail(w, "ISV", "InvalidParameter", fmt.Sprintf("Order item %s does not belong to order %s", id, o.ID))
			return OrderView{}, nil, false
		}
		asked[id.String()] = true
	}
	// Only the items asked for stay: a caller tells by a missing id
	// whether an open item was left out.
	for id := range items {
		if !asked[id] {
			delete(items, id)
		}
	}
	return o, items, true
}

// cancelRefusal says why an order's items cannot be cancelled, or "".
func cancelRefusal(o OrderView, items map[string]bool) string {
	if o.Status != StatusPending && o.Status != StatusReadyToShip {
		return fmt.Sprintf("Order %s is %s: only order items from Pending to Ready To Ship can be cancelled", o.ID, strings.ReplaceAll(o.Status, "_", " "))
	}
	for id, cancelled := range items {
		if cancelled {
			return fmt.Sprintf("Order item %s is already cancelled", id)
		}
	}
	return ""
}

// cancelValidate serves /order/reverse/cancel/validate: the reasons the
// items may be cancelled with, or tip_type "error" saying why not.
func (d *lazadaDialect) cancelValidate(w http.ResponseWriter, _ *http.Request, p map[string]string) {
	o, items, ok := d.cancelTarget(w, p)
	if !ok {
		return
	}
	if why := cancelRefusal(o, items); why != "" {
		d.ok(w, map[string]any{"reason_options": []any{}, "tip_content": why, "tip_type": "error"})
		return
	}
	opts := make([]map[string]string, len(lzCancelReasons))
	for i, r := range lzCancelReasons {
		opts[i] = map[string]string{"reason_id": r.ID, "reason_name": r.Name}
	}
	d.ok(w, map[string]any{"reason_options": opts, "tip_content": lzCancelWarning, "tip_type": "warning"})
}

// cancelCreate serves /order/reverse/cancel/create. The book cancels whole
// orders, so every open item of the order must be asked for.
func (d *lazadaDialect) cancelCreate(w http.ResponseWriter, r *http.Request, p map[string]string) {
	o, items, ok := d.cancelTarget(w, p)
	if !ok {
		return
	}
	if why := cancelRefusal(o, items); why != "" {
		d.fail(w, "ISV", "ReverseOrderCancelNotAllowed", why)
		return
	}
	for _, it := range o.Items {
		for u := range it.Qty {
			if _, asked := items[lzItemID(it, u)]; !asked && !it.Cancelled {
				d.fail(w, "ISV", "InvalidParameter", "the simulator cancels whole orders: list every open item of order "+o.ID)
				return
			}
		}
	}
	zero, known := false, false
	for _, rs := range lzCancelReasons {
		if rs.ID == p["reason_id"] {
			zero, known = rs.ZeroStock, true
		}
	}
	if !known {
		d.fail(w, "ISV", "InvalidParameter", fmt.Sprintf("reason_id %q is not a cancel reason of this order: ask /order/reverse/cancel/validate", p["reason_id"]))
		return
	}
	f, done := d.takeFault(w, OpCancel)
	if done {
		return
	}
	if f.Mode == "detail" {
		// Accepted in words, refused item by item: nothing is cancelled.
		var detail []lzDetail
		for id := range items {
			detail = append(detail, lzDetail{Field: "order_item_id", Message: "E501: cancellation of order item " + id + " failed"})
		}
		sort.Slice(detail, func(i, j int) bool { return detail[i].Message < detail[j].Message })
		writeJSON(w, http.StatusOK, map[string]any{"code": "0", "data": map[string]any{}, "detail": detail, "request_id": d.requestID()})
		return
	}
	if _, err := d.b.CancelOrder(o.ID); err != nil {
		d.fail(w, "ISV", "ReverseOrderCancelNotAllowed", fmt.Sprintf("Order %s cannot be cancelled: %v", o.ID, err))
		return
	}
	if zero {
		for _, it := range o.Items {
			_ = d.b.SetSellable(it.SKU, 0) // as Lazada does; a locked SKU keeps its stock
		}
	}
	d.b.CountAction(OpCancel)
	hold(r, f)
	d.ok(w, map[string]any{
		"tip_content": "The order has been cancelled. Your customer has also been informed of the cancellation.",
		"tip_type":    "success",
	})
}
