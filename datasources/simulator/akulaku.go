package simulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"weak"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// The Akulaku dialect serves the Akulaku Open Platform's token endpoint and
// order list as public client code shows them (see package
// datasources/akulaku for what is confirmed and what is assumed):
//
//	GET /oapi/auth/oauth/token?client_id=…&client_secret=…&scope=select
//	    &grant_type=client_credentials (or grant_type=refresh_token&refresh_token=…)
//	answer: {"success":true,"errCode":null,"errMsg":null,
//	  "data":{"access_token","refresh_token","expires_in"}}
//
//	POST /v1/open/order/list
//	headers: app-id, access-token, timestamp (epoch ms), sign =
//	  base64(SHA256withRSA(key, base64("app-id={id}&timestamp={ts}&{body}")))
//	body: {"endUpdateTime":ms,"pageNo":1,"pageSize":30,"shopId":…,"startUpdateTime":ms}
//	answer: {"success":true,"errCode":null,"errMsg":null,
//	  "data":{"pageNo","pageSize","totalPages","totalCount","result":[order…]}}
//
// Tokens the endpoint issues expire after Credentials.AkulakuTokenLifetime
// of sale time (2 h by default, as Akulaku's live; tests set a minute), so a
// client that does not renew them loses its polls mid-sale; an expired or
// unknown token is refused. The fixed demo token (Credentials.
// AkulakuAccessToken), for clients configured with a static token, never
// expires. The order list is refused without the shop's shopId, or with
// another shop's. The TokenExpired fault revokes every token issued before
// it (a client with client credentials gets a new one; one with the static
// token is refused while the fault lasts).
//
// The window is startUpdateTime ≤ update ≤ endUpdateTime, sorted by update
// time, oldest first. Times are written as the public code shows createTime:
// "2023-01-06T08:00:14.000+0000" (UTC, milliseconds). Order and item ids
// are JSON numbers of 19 digits and more, as Akulaku's are. It is
// implemented here independently of the client, so a signing or decoding
// mistake in the client shows up against it.
//
// Failures come in the Akulaku envelope with HTTP 200 and errCode set:
// the sign, app-id, token, rate-limit and parameter codes below mirror the
// client's (assumed) constants, and errMsg says in words what happened.

// Akulaku error codes answered by the simulator.
const (
	akuCodeTokenInvalid = "ACCESS_TOKEN_INVALID"
	akuCodeTokenExpired = "ACCESS_TOKEN_EXPIRED"
	akuCodeSignInvalid  = "SIGN_INVALID"
	akuCodeAppInvalid   = "APP_ID_INVALID"
	akuCodeRateLimited  = "REQUEST_TOO_FREQUENT"
	akuCodeBadRequest   = "PARAM_INVALID"
	akuCodeNotFound     = "API_NOT_FOUND"
	akuCodeNoPermission = "NO_PERMISSION"
	// akuCodeClientInvalid and akuCodeRefreshInvalid answer the token
	// endpoint's refusals (assumed names, like the others).
	akuCodeClientInvalid  = "CLIENT_INVALID"
	akuCodeRefreshInvalid = "REFRESH_TOKEN_INVALID"
)

// DefaultAkulakuTokenLifetime is how long a simulated Akulaku token lives
// when Credentials.AkulakuTokenLifetime is zero: two hours of sale time, as
// Akulaku's tokens (expires_in 7199).
const DefaultAkulakuTokenLifetime = 2 * time.Hour

const (
	// akuMaxPageSize is the largest page the simulator serves.
	akuMaxPageSize = 100
	// akuMaxSkew is how far a request's timestamp may be from the wall
	// clock (a signed request replayed later is refused).
	akuMaxSkew = 10 * time.Minute
	// akuTimeLayout is createTime as public Akulaku code shows it.
	akuTimeLayout = "2006-01-02T15:04:05.000-0700"
)

func init() { registerDialect(datasources.KindAkulaku, newAkulakuDialect) }

type akulakuDialect struct {
	b  *Book
	cr *Credentials
	// tok is what the token endpoint issued.
	tok *akuTokens
}

// akuTokens are the tokens one simulated Akulaku channel issued, by the
// sale-clock time they expire, and counts of what happened to them.
type akuTokens struct {
	mu      sync.Mutex
	access  map[string]time.Time
	refresh map[string]bool
	// revoked is set once the TokenExpired fault has revoked the tokens
	// issued before it; cleared when the fault ends.
	revoked bool
	stats   AkulakuTokenStats
}

// AkulakuTokenStats counts what a simulated Akulaku channel's token
// endpoint did, and the calls it refused for their token.
type AkulakuTokenStats struct {
	// Issued counts tokens issued, Refreshed those of them issued for a
	// refresh token.
	Issued, Refreshed int
	// Expired counts calls refused because their token had expired;
	// Unknown those whose token was never issued or was revoked.
	Expired, Unknown int
}

// akuRegistry finds a channel's tokens from its Book (Server.AkulakuTokens)
// without keeping the Book alive: a test's simulator is collected with its
// tokens when the test ends.
var akuRegistry = struct {
	mu sync.Mutex
	m  map[weak.Pointer[Book]]*akuTokens
}{m: map[weak.Pointer[Book]]*akuTokens{}}

// AkulakuTokens returns the token counts of a simulated Akulaku channel;
// false when the channel is not a simulated Akulaku one.
func (s *Server) AkulakuTokens(channel string) (AkulakuTokenStats, bool) {
	b := s.Book(channel)
	if b == nil {
		return AkulakuTokenStats{}, false
	}
	akuRegistry.mu.Lock()
	t := akuRegistry.m[weak.Make(b)]
	akuRegistry.mu.Unlock()
	if t == nil {
		return AkulakuTokenStats{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats, true
}

func newAkulakuDialect(b *Book, cr *Credentials) http.Handler {
	d := &akulakuDialect{b: b, cr: cr, tok: &akuTokens{access: map[string]time.Time{}, refresh: map[string]bool{}}}
	wb := weak.Make(b)
	akuRegistry.mu.Lock()
	akuRegistry.m[wb] = d.tok
	akuRegistry.mu.Unlock()
	runtime.AddCleanup(b, func(wb weak.Pointer[Book]) {
		akuRegistry.mu.Lock()
		delete(akuRegistry.m, wb)
		akuRegistry.mu.Unlock()
	}, wb)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oapi/auth/oauth/token", d.token)
	mux.HandleFunc("POST /v1/open/order/list", d.orderList)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		akuFail(w, http.StatusNotFound, akuCodeNotFound, "no such API: "+r.Method+" "+r.URL.Path)
	})
	return mux
}

// akuEnvelope is every answer.
type akuEnvelope struct {
	Success bool    `json:"success"`
	ErrCode *string `json:"errCode"`
	ErrMsg  *string `json:"errMsg"`
	Data    any     `json:"data"`
}

func akuFail(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, akuEnvelope{ErrCode: &code, ErrMsg: &msg})
}

// authenticate checks the signature, app id and token the way the gateway
// does, and answers the failure itself. It returns the body on success.
func (d *akulakuDialect) authenticate(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		akuFail(w, http.StatusOK, akuCodeBadRequest, "request body unreadable or too large")
		return nil, false
	}
	appID, token := r.Header.Get("app-id"), r.Header.Get("access-token")
	ts, sign := r.Header.Get("timestamp"), r.Header.Get("sign")
	switch {
	case appID == "":
		akuFail(w, http.StatusOK, akuCodeAppInvalid, "missing header app-id")
		return nil, false
	case appID != d.cr.AkulakuAppID:
		akuFail(w, http.StatusOK, akuCodeAppInvalid, "app-id not found")
		return nil, false
	case sign == "" || ts == "":
		akuFail(w, http.StatusOK, akuCodeSignInvalid, "missing sign or timestamp header")
		return nil, false
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		akuFail(w, http.StatusOK, akuCodeSignInvalid, "timestamp must be epoch milliseconds")
		return nil, false
	}
	// The gateway compares the timestamp with its wall clock: the signature
	// is about the request, not the sale, so sale time does not apply.
	if skew := time.Since(time.UnixMilli(ms)); skew > akuMaxSkew || skew < -akuMaxSkew {
		akuFail(w, http.StatusOK, akuCodeSignInvalid, "timestamp expired: more than 10 minutes from server time")
		return nil, false
	}
	if !akuVerify(&d.cr.AkulakuKey.PublicKey, appID, ts, body, sign) {
		akuFail(w, http.StatusOK, akuCodeSignInvalid, "sign verification failed")
		return nil, false
	}
	if token == "" {
		akuFail(w, http.StatusOK, akuCodeTokenInvalid, "missing header access-token")
		return nil, false
	}
	if code, msg := d.checkToken(token); code != "" {
		akuFail(w, http.StatusOK, code, msg)
		return nil, false
	}
	return body, true
}

// revokeLocked applies the TokenExpired fault: when it starts, every token
// issued before it is revoked (those issued during it are good); the
// static demo token is refused while it lasts. Callers hold t.mu.
func (d *akulakuDialect) revokeLocked() (fault bool) {
	t := d.tok
	fault = d.b.Faults().TokenExpired
	switch {
	case fault && !t.revoked:
		t.revoked = true
		clear(t.access)
		clear(t.refresh)
	case !fault:
		t.revoked = false
	}
	return fault
}

// checkToken returns the refusal of an access token, or "" when it is good.
// Lifetimes are sale time: the simulated sale is the channel's clock.
func (d *akulakuDialect) checkToken(token string) (code, msg string) {
	t := d.tok
	t.mu.Lock()
	defer t.mu.Unlock()
	fault := d.revokeLocked()
	if token == d.cr.AkulakuAccessToken {
		if fault {
			return akuCodeTokenExpired, "access token expired"
		}
		return "", ""
	}
	exp, ok := t.access[token]
	switch {
	case !ok:
		t.stats.Unknown++
		return akuCodeTokenInvalid, "access token invalid"
	case !d.b.Now().Before(exp):
		delete(t.access, token)
		t.stats.Expired++
		return akuCodeTokenExpired, "access token expired"
	}
	return "", ""
}

// token is GET /oapi/auth/oauth/token: client credentials or a refresh
// token in the query, no signature. A refresh token is good once: the
// answer carries the next.
func (d *akulakuDialect) token(w http.ResponseWriter, r *http.Request) {
	if d.b.Faults().RateLimited {
		w.Header().Set("Retry-After", "1")
		akuFail(w, http.StatusOK, akuCodeRateLimited, "request too frequent, please try again later")
		return
	}
	q := r.URL.Query()
	switch {
	case q.Get("scope") != "select":
		akuFail(w, http.StatusOK, akuCodeBadRequest, "scope must be select")
		return
	case q.Get("client_id") != d.cr.AkulakuClientID || q.Get("client_secret") != d.cr.AkulakuClientSecret ||
		d.cr.AkulakuClientID == "" || d.cr.AkulakuClientSecret == "":
		akuFail(w, http.StatusOK, akuCodeClientInvalid, "client_id or client_secret invalid")
		return
	}
	t := d.tok
	t.mu.Lock()
	defer t.mu.Unlock()
	d.revokeLocked()
	switch q.Get("grant_type") {
	case "client_credentials":
	case "refresh_token":
		rt := q.Get("refresh_token")
		if !t.refresh[rt] {
			akuFail(w, http.StatusOK, akuCodeRefreshInvalid, "refresh token invalid or expired")
			return
		}
		delete(t.refresh, rt)
		t.stats.Refreshed++
	default:
		akuFail(w, http.StatusOK, akuCodeBadRequest, "grant_type must be client_credentials or refresh_token")
		return
	}
	life := d.cr.AkulakuTokenLifetime
	if life <= 0 {
		life = DefaultAkulakuTokenLifetime
	}
	now := d.b.Now()
	for tok, exp := range t.access {
		if !now.Before(exp) {
			delete(t.access, tok)
		}
	}
	access, refresh := "sim-aku-at-"+rand.Text(), "sim-aku-rt-"+rand.Text()
	t.access[access] = now.Add(life)
	t.refresh[refresh] = true
	t.stats.Issued++
	// Akulaku answers 7199 for its two-hour tokens: the seconds left,
	// rounded down, a moment after issuing.
	secs := max(int64(life/time.Second)-1, 1)
	writeJSON(w, http.StatusOK, akuEnvelope{Success: true, Data: map[string]any{
		"access_token": access, "refresh_token": refresh, "expires_in": secs,
	}})
}

// akuVerify checks sign = base64(SHA256withRSA(base64(string to sign))).
func akuVerify(pub *rsa.PublicKey, appID, ts string, body []byte, sign string) bool {
	sig, err := base64.StdEncoding.DecodeString(sign)
	if err != nil {
		return false
	}
	msg := "app-id=" + appID + "&timestamp=" + ts + "&" + string(body)
	digest := sha256.Sum256([]byte(base64.StdEncoding.EncodeToString([]byte(msg))))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil
}

type akuListRequest struct {
	StartUpdateTime jsonx.Int    `json:"startUpdateTime"`
	EndUpdateTime   jsonx.Int    `json:"endUpdateTime"`
	PageNo          jsonx.Int    `json:"pageNo"`
	PageSize        jsonx.Int    `json:"pageSize"`
	ShopID          jsonx.String `json:"shopId"`
}

type akuListData struct {
	PageNo     int        `json:"pageNo"`
	PageSize   int        `json:"pageSize"`
	TotalPages int        `json:"totalPages"`
	TotalCount int        `json:"totalCount"`
	Result     []akuOrder `json:"result"`
}

type akuOrder struct {
	OrderID         json.Number `json:"orderId"`
	OrderCode       string      `json:"orderCode"`
	OrderStatus     int         `json:"orderStatus"`
	CreateTime      string      `json:"createTime"`
	UpdateTime      string      `json:"updateTime"`
	BuyerID         json.Number `json:"buyerId"`
	SkuTotalAmount  json.Number `json:"skuTotalAmount"`
	OrderTotal      json.Number `json:"orderTotalAmount"`
	ReceiverAddress akuAddress  `json:"receiverAddress"`
	OrderItemList   []akuItem   `json:"orderItemList"`
}

type akuAddress struct {
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	Province  string `json:"province"`
	City      string `json:"city"`
	Area      string `json:"area"`
	Address   string `json:"address"`
	ZipCode   string `json:"zipCode"`
	CountryID string `json:"countryId"`
}

type akuItem struct {
	ID           json.Number    `json:"id"`
	SkuID        json.Number    `json:"skuId"`
	APISkuID     string         `json:"apiSkuId"`
	SkuName      string         `json:"skuName"`
	SkuPrice     json.Number    `json:"skuPrice"`
	SkuSalePrice json.Number    `json:"skuSalePrice"`
	Qty          int            `json:"qty"`
	RefundStatus int            `json:"refundStatus"`
	GoodsInfos   []akuGoodsInfo `json:"goodsInfos"`
}

type akuGoodsInfo struct {
	GoodsNo string `json:"goodsNo"`
}

func (d *akulakuDialect) orderList(w http.ResponseWriter, r *http.Request) {
	// A rate limit is the gateway's first word: it answers before looking
	// at the request.
	if d.b.Faults().RateLimited {
		w.Header().Set("Retry-After", "1")
		akuFail(w, http.StatusOK, akuCodeRateLimited, "request too frequent, please try again later")
		return
	}
	body, ok := d.authenticate(w, r)
	if !ok {
		return
	}
	var req akuListRequest
	if err := json.Unmarshal(body, &req); err != nil {
		akuFail(w, http.StatusOK, akuCodeBadRequest, "request body is not valid JSON")
		return
	}
	// A shop call names its shop: an app token serves every shop the app
	// is authorised for.
	switch shop := strings.TrimSpace(string(req.ShopID)); {
	case shop == "":
		akuFail(w, http.StatusOK, akuCodeBadRequest, "shopId is required")
		return
	case shop != d.cr.AkulakuShopID:
		akuFail(w, http.StatusOK, akuCodeNoPermission, "no permission for this shop: the app is not authorised for shopId "+akuShort(shop, 20))
		return
	}
	pageNo, pageSize := int(req.PageNo), int(req.PageSize)
	if pageNo < 1 {
		pageNo = 1
	}
	if pageSize < 1 {
		pageSize = 10
	}
	if pageSize > akuMaxPageSize || pageNo > 1_000_000 {
		akuFail(w, http.StatusOK, akuCodeBadRequest, "pageSize must be 1.."+strconv.Itoa(akuMaxPageSize))
		return
	}
	var q Query
	if req.StartUpdateTime > 0 {
		// Inclusive start: Query.After is strict.
		q.After = time.UnixMilli(int64(req.StartUpdateTime) - 1)
	}
	if req.EndUpdateTime > 0 {
		q.Before = time.UnixMilli(int64(req.EndUpdateTime))
		if req.StartUpdateTime > req.EndUpdateTime {
			akuFail(w, http.StatusOK, akuCodeBadRequest, "startUpdateTime is after endUpdateTime")
			return
		}
	}
	q.Offset, q.Limit = (pageNo-1)*pageSize, pageSize
	views, total := d.b.Updates(q)
	data := akuListData{
		PageNo: pageNo, PageSize: pageSize, TotalCount: total,
		TotalPages: (total + pageSize - 1) / pageSize,
		Result:     make([]akuOrder, 0, len(views)),
	}
	for i := range views {
		data.Result = append(data.Result, d.order(&views[i]))
	}
	writeJSON(w, http.StatusOK, akuEnvelope{Success: true, Data: data})
}

// akuStatus maps the book's statuses to Akulaku's order status codes.
func akuStatus(s string) int {
	switch s {
	case StatusPending:
		return 3 // paid, awaiting the seller's acceptance
	case StatusReadyToShip:
		return 4
	case StatusShipped:
		return 5
	case StatusCanceled:
		return -1
	}
	return 3
}

func (d *akulakuDialect) order(v *OrderView) akuOrder {
	o := akuOrder{
		OrderID:     json.Number(v.ID),
		OrderCode:   "AK" + v.ID,
		OrderStatus: akuStatus(v.Status),
		CreateTime:  v.CreatedAt.UTC().Format(akuTimeLayout),
		UpdateTime:  v.UpdatedAt.UTC().Format(akuTimeLayout),
		BuyerID:     json.Number(v.BuyerID),
		ReceiverAddress: akuAddress{
			Name: v.Buyer.Name, Phone: v.Buyer.Phone,
			Province: v.Buyer.Address.Region, City: v.Buyer.Address.City, Area: v.Buyer.Address.Line2,
			Address: v.Buyer.Address.Line1, ZipCode: v.Buyer.Address.PostCode, CountryID: d.b.Spec().Market,
		},
	}
	var total datasources.Money
	for _, it := range v.Items {
		price := akuMoney(it.Price)
		o.OrderItemList = append(o.OrderItemList, akuItem{
			ID:           json.Number(it.ID),
			SkuID:        json.Number(strconv.FormatUint(3_000_000_000+fnv64(it.SKU)%1_000_000_000, 10)),
			APISkuID:     it.SKU,
			SkuName:      it.Name,
			SkuPrice:     price,
			SkuSalePrice: price,
			Qty:          it.Qty,
			GoodsInfos:   []akuGoodsInfo{{GoodsNo: it.SKU}},
		})
		total += it.Price * datasources.Money(it.Qty)
	}
	o.SkuTotalAmount, o.OrderTotal = akuMoney(total), akuMoney(total)
	return o
}

// akuMoney writes hundredths as Akulaku's decimal amount (1999000, 24.5).
func akuMoney(m datasources.Money) json.Number {
	neg := m < 0
	if neg {
		m = -m
	}
	s := strconv.FormatInt(int64(m/100), 10)
	if c := m % 100; c != 0 {
		s += "." + strconv.FormatInt(int64(c/10), 10)
		if c%10 != 0 {
			s += strconv.FormatInt(int64(c%10), 10)
		}
	}
	if neg {
		s = "-" + s
	}
	return json.Number(s)
}

// akuShort shortens s to n bytes for an error message.
func akuShort(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
