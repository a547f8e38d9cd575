package simulator

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// The Akulaku dialect serves the Akulaku Open Platform's order list as
// public client code shows it (see package datasources/akulaku for what is
// confirmed and what is assumed):
//
//	POST /v1/open/order/list
//	headers: app-id, access-token, timestamp (epoch ms), sign =
//	  base64(SHA256withRSA(key, base64("app-id={id}&timestamp={ts}&{body}")))
//	body: {"endUpdateTime":ms,"pageNo":1,"pageSize":30,"shopId":…,"startUpdateTime":ms}
//	answer: {"success":true,"errCode":null,"errMsg":null,
//	  "data":{"pageNo","pageSize","totalPages","totalCount","result":[order…]}}
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
)

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
}

func newAkulakuDialect(b *Book, cr *Credentials) http.Handler {
	d := &akulakuDialect{b: b, cr: cr}
	mux := http.NewServeMux()
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
	switch {
	case token == "":
		akuFail(w, http.StatusOK, akuCodeTokenInvalid, "missing header access-token")
		return nil, false
	case token != d.cr.AkulakuAccessToken:
		akuFail(w, http.StatusOK, akuCodeTokenInvalid, "access token invalid")
		return nil, false
	case d.b.Faults().TokenExpired:
		akuFail(w, http.StatusOK, akuCodeTokenExpired, "access token expired")
		return nil, false
	}
	return body, true
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
