package akulaku

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/internal/ascii"

	"github.com/flashdeck/flashdeck/datasources"
	"github.com/flashdeck/flashdeck/datasources/httpx"
	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Akulaku error codes. The two IP-whitelist codes are confirmed by public
// client code; the others are ASSUMED names for failures whose real codes
// are not public (the simulator answers with them). The client does not
// depend on them alone: it also classifies a failure by the words of errMsg
// (token, sign, permission, whitelist, too frequent…), so the real codes are
// handled as long as Akulaku's message says what happened. The token and
// rate-limit codes the client acts on are configuration (Config
// TokenErrorCodes and RateLimitCodes).
const (
	CodeIPNotWhitelisted  = "10110110100029" // confirmed
	CodeIPNotWhitelisted2 = "10610910100030" // confirmed
	CodeTokenInvalid      = "ACCESS_TOKEN_INVALID"
	CodeTokenExpired      = "ACCESS_TOKEN_EXPIRED"
	CodeSignInvalid       = "SIGN_INVALID"
	CodeAppInvalid        = "APP_ID_INVALID"
	CodeNoPermission      = "NO_PERMISSION"
	CodeRateLimited       = "REQUEST_TOO_FREQUENT"
	CodeBadRequest        = "PARAM_INVALID"
)

// DefaultTokenErrorCodes and DefaultRateLimitCodes are the codes the client
// acts on unless configured otherwise (assumed; see the Code constants).
var (
	DefaultTokenErrorCodes = []string{CodeTokenInvalid, CodeTokenExpired}
	DefaultRateLimitCodes  = []string{CodeRateLimited}
)

// authCodes are refusals of the credentials, with a hint where the code
// alone says more than Akulaku's words.
var authCodes = map[string]string{
	CodeIPNotWhitelisted:  "this machine's IP address is not on the app's whitelist in the Akulaku console",
	CodeIPNotWhitelisted2: "this machine's IP address is not on the app's whitelist in the Akulaku console",
	CodeTokenInvalid:      "",
	CodeTokenExpired:      "",
	CodeSignInvalid:       "",
	CodeAppInvalid:        "",
	CodeNoPermission:      "",
}

var (
	authWords  = regexp.MustCompile(`(?i)token|\bsign(ature)?\b|permission|white ?list|unauthori[sz]ed|forbidden|not allowed|app[- _]?id`)
	limitWords = regexp.MustCompile(`(?i)too (many|frequent)|frequen(t|cy)|rate limit|limit exceeded|throttl|flow control|qps`)
	// tokenWords: a refusal that speaks of the token is worth one renewal.
	tokenWords = regexp.MustCompile(`(?i)token`)
)

// codes are the error codes the client acts on.
type codes struct {
	token map[string]bool // the access token is invalid or expired
	limit map[string]bool // rate limited
}

func newCodes(token, limit []string) codes {
	if token == nil {
		token = DefaultTokenErrorCodes
	}
	if limit == nil {
		limit = DefaultRateLimitCodes
	}
	set := func(l []string) map[string]bool {
		m := make(map[string]bool, len(l))
		for _, c := range l {
			if c = strings.TrimSpace(c); c != "" {
				m[c] = true
			}
		}
		return m
	}
	return codes{token: set(token), limit: set(limit)}
}

// defaultCodes are the codes of a client configured with none.
var defaultCodes = newCodes(nil, nil)

// classify maps an Akulaku failure to an error kind by its code, then by
// its words.
func (k *codes) classify(code, msg string) datasources.ErrorKind {
	if _, ok := authCodes[code]; ok || k.token[code] {
		return datasources.ErrAuth
	}
	if k.limit[code] {
		return datasources.ErrRateLimited
	}
	switch {
	case limitWords.MatchString(msg):
		return datasources.ErrRateLimited
	case authWords.MatchString(msg):
		return datasources.ErrAuth
	}
	return datasources.ErrRejected
}

// tokenRefused reports whether err says the access token was refused: a
// token code, or a refusal of the credentials that speaks of the token
// (not one that names the IP whitelist, which a new token does not fix).
func (k *codes) tokenRefused(err error) bool {
	var e *datasources.Error
	if !errors.As(err, &e) || e.Kind != datasources.ErrAuth {
		return false
	}
	if k.token[e.Code] {
		return true
	}
	if e.Code == CodeIPNotWhitelisted || e.Code == CodeIPNotWhitelisted2 {
		return false
	}
	return tokenWords.MatchString(e.Message)
}

// envelope is every Akulaku answer.
type envelope struct {
	// Success is a pointer so that JSON that is not an Akulaku answer at all
	// (a proxy's error page in JSON) is told apart from a refusal.
	Success *bool           `json:"success"`
	ErrCode jsonx.String    `json:"errCode"`
	ErrMsg  jsonx.String    `json:"errMsg"`
	Data    json.RawMessage `json:"data"`
}

// bareRefusal is a refusal without the envelope: errcode/errmsg in lower
// case ({"errcode":500,"errmsg":"invalid appid"}, seen only as an Akulaku
// doc page's template placeholder), or an OAuth error (RFC 6749 section
// 5.2), which a token endpoint under /oauth/token may answer. encoding/json
// matches keys regardless of case, so errCode/errMsg without success come
// here too.
type bareRefusal struct {
	ErrCode          jsonx.String `json:"errcode"`
	ErrMsg           jsonx.String `json:"errmsg"`
	Error            jsonx.String `json:"error"`
	ErrorDescription jsonx.String `json:"error_description"`
}

// words returns the refusal's code and message, and whether it has either.
func (b *bareRefusal) words() (code, msg string, ok bool) {
	code = strings.TrimSpace(cmp.Or(string(b.ErrCode), string(b.Error)))
	msg = strings.TrimSpace(cmp.Or(string(b.ErrMsg), string(b.ErrorDescription)))
	return code, msg, code != "" || msg != ""
}

// hasSuccess reports whether body is a JSON object with a success key (in
// any case, as encoding/json matches it). Such a body is read as the
// envelope, whatever the type of its success.
func hasSuccess(body []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(body, &probe) != nil {
		return false
	}
	for k := range probe {
		if strings.EqualFold(k, "success") {
			return true
		}
	}
	return false
}

// decodeEnvelope turns an HTTP answer into the envelope's data or a
// channel error, with the default codes. It never panics, whatever the body.
func decodeEnvelope(channel, op string, status int, h http.Header, body []byte) (json.RawMessage, error) {
	return defaultCodes.decode(channel, op, status, h, body)
}

// decode turns an HTTP answer into the envelope's data or a channel error.
// A JSON body without the envelope's success but with a code or words of
// refusal is a refusal in the channel's own words, never "malformed". It
// never panics, whatever the body.
func (k *codes) decode(channel, op string, status int, h http.Header, body []byte) (json.RawMessage, error) {
	ok2xx := status >= 200 && status < 300
	var env envelope
	err := readEnvelope(body, &env)
	if err != nil {
		env = envelope{}
		err = json.Unmarshal(body, &env)
	}
	if err != nil || env.Success == nil {
		if !hasSuccess(body) {
			var b bareRefusal
			if json.Unmarshal(body, &b) == nil {
				if code, msg, ok := b.words(); ok {
					return nil, k.refusal(channel, op, status, h, code, msg)
				}
			}
		}
		if !ok2xx {
			return nil, httpx.StatusError(channel, op, status, h, body)
		}
		if err == nil {
			err = errors.New("not an Akulaku answer (no success field)")
		}
		return nil, httpx.Malformed(channel, op, err, body)
	}
	if *env.Success {
		if !ok2xx {
			return nil, httpx.StatusError(channel, op, status, h, body)
		}
		return env.Data, nil
	}
	return nil, k.refusal(channel, op, status, h, strings.TrimSpace(string(env.ErrCode)), strings.TrimSpace(string(env.ErrMsg)))
}

// refusal builds the error of a refusal with the channel's code and words.
func (k *codes) refusal(channel, op string, status int, h http.Header, code, msg string) *datasources.Error {
	msg = httpx.Snippet([]byte(msg))
	e := &datasources.Error{Channel: channel, Op: op, Kind: k.classify(code, msg), Code: code, Message: msg}
	if hint := authCodes[code]; hint != "" {
		if e.Message == "" {
			e.Message = hint
		} else {
			e.Message += " (" + hint + ")"
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind = datasources.ErrRateLimited
	case e.Kind == datasources.ErrRejected && (status == http.StatusUnauthorized || status == http.StatusForbidden):
		e.Kind = datasources.ErrAuth
	case e.Kind == datasources.ErrRejected && status >= 500:
		e.Kind = datasources.ErrUnavailable
	}
	if e.Kind == datasources.ErrRateLimited {
		e.RetryAfter = httpx.RetryAfter(h, time.Second)
	}
	if e.Code == "" && e.Message == "" {
		e.Message = "refused without a reason (HTTP " + strconv.Itoa(status) + ")"
	}
	return e
}

// orderListData is data of /v1/open/order/list.
type orderListData struct {
	PageNo     jsonx.Int   `json:"pageNo"`
	PageSize   jsonx.Int   `json:"pageSize"`
	TotalPages jsonx.Int   `json:"totalPages"`
	TotalCount *jsonx.Int  `json:"totalCount"` // assumed; Total is -1 without it
	Result     []wireOrder `json:"result"`
}

type wireOrder struct {
	OrderID     jsonx.String `json:"orderId"`
	OrderCode   jsonx.String `json:"orderCode"`
	OrderStatus jsonx.Int    `json:"orderStatus"`
	// Times arrive as text ("2023-01-06T08:00:14.000+0000") or epoch
	// numbers; jsonx.String keeps either as written for parseTime.
	CreateTime      jsonx.String `json:"createTime"`
	UpdateTime      jsonx.String `json:"updateTime"` // assumed
	BuyerID         jsonx.String `json:"buyerId"`    // assumed
	ReceiverAddress *wireAddress `json:"receiverAddress"`
	OrderItemList   []wireItem   `json:"orderItemList"`
}

type wireAddress struct {
	Name      jsonx.String `json:"name"`
	Phone     jsonx.String `json:"phone"`
	Address   jsonx.String `json:"address"`
	Area      jsonx.String `json:"area"`
	Town      jsonx.String `json:"town"`
	City      jsonx.String `json:"city"`
	Province  jsonx.String `json:"province"`
	ZipCode   jsonx.String `json:"zipCode"`
	CountryID jsonx.String `json:"countryId"`
}

type wireItem struct {
	ID           jsonx.String `json:"id"`
	SkuID        jsonx.String `json:"skuId"`
	APISkuID     jsonx.String `json:"apiSkuId"`
	SkuName      jsonx.String `json:"skuName"`
	SkuPrice     jsonx.Money  `json:"skuPrice"`
	SkuSalePrice *jsonx.Money `json:"skuSalePrice"`
	Qty          jsonx.Int    `json:"qty"`
	GoodsInfos   goodsInfos   `json:"goodsInfos"`
}

// goodsInfos is a list of {goodsNo} in one public client and a single
// object in another: both are accepted.
type goodsInfos []struct {
	GoodsNo jsonx.String `json:"goodsNo"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (g *goodsInfos) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var one struct {
			GoodsNo jsonx.String `json:"goodsNo"`
		}
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*g = goodsInfos{one}
		return nil
	}
	var many []struct {
		GoodsNo jsonx.String `json:"goodsNo"`
	}
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*g = many
	return nil
}

// decodeOrderList decodes data of an order list answer. Null data is an
// empty page (how a window without orders may come back).
func decodeOrderList(data json.RawMessage) (orderListData, error) {
	var d orderListData
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return d, nil
	}
	if readOrderList(data, &d) == nil {
		return d, nil
	}
	d = orderListData{}
	err := json.Unmarshal(data, &d)
	return d, err
}

// defaultStatusWords are the words for Akulaku's order status codes, as
// one public client maps them: 3 is paid and awaiting the seller's
// acceptance, 4 accepted and awaiting shipment. Config.StatusWords changes
// them.
var defaultStatusWords = map[int64]string{
	2:  "unpaid",
	3:  "awaiting_acceptance",
	4:  "awaiting_shipment",
	5:  "shipped",
	6:  "completed",
	-1: "cancelled",
}

// StatusWord maps an Akulaku order status code to the word the engine sees
// by default. An unknown code becomes "status_<code>" rather than a guess.
func StatusWord(code int64) string { return statusWord(defaultStatusWords, code) }

func statusWord(words map[int64]string, code int64) string {
	if w, ok := words[code]; ok {
		return w
	}
	return "status_" + strconv.FormatInt(code, 10)
}

// statusWords lays configured words over the defaults. A word is lower
// case letters, digits and underscores, as the engine's words are; a code
// mapped to "" is removed (it then reads as "status_<code>").
func statusWords(over map[int64]string) (map[int64]string, error) {
	out := make(map[int64]string, len(defaultStatusWords)+len(over))
	for k, v := range defaultStatusWords {
		out[k] = v
	}
	for k, v := range over {
		if v == "" {
			delete(out, k)
			continue
		}
		if err := CheckStatusWord(v); err != nil {
			return nil, fmt.Errorf("code %d: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

// CheckStatusWord reports whether w can stand for an order status: 1 to 40
// lower-case letters, digits and underscores.
func CheckStatusWord(w string) error {
	if w == "" || len(w) > 40 {
		return errors.New("a status word has 1 to 40 characters")
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return fmt.Errorf("%q: a status word is lower-case letters, digits and _", w)
		}
	}
	return nil
}

// toOrder converts one wire order. An order without an id or a readable
// time is an error: skipping it silently would lose a sale.
func toOrder(w *wireOrder, loc *time.Location, words map[int64]string) (datasources.Order, error) {
	id := string(w.OrderID)
	if id == "" {
		id = string(w.OrderCode)
	}
	if id == "" {
		return datasources.Order{}, errors.New("an order has no orderId")
	}
	created, err := parseTime(string(w.CreateTime), loc)
	if err != nil {
		return datasources.Order{}, fmt.Errorf("order %s: createTime: %w", id, err)
	}
	updated := created
	if string(w.UpdateTime) != "" {
		if updated, err = parseTime(string(w.UpdateTime), loc); err != nil {
			return datasources.Order{}, fmt.Errorf("order %s: updateTime: %w", id, err)
		}
	}
	if created.IsZero() && updated.IsZero() {
		return datasources.Order{}, fmt.Errorf("order %s has no createTime or updateTime", id)
	}
	if created.IsZero() {
		created = updated
	}
	o := datasources.Order{
		ID:        id,
		BuyerID:   string(w.BuyerID),
		CreatedAt: created,
		UpdatedAt: updated,
		Status:    statusWord(words, int64(w.OrderStatus)),
	}
	if a := w.ReceiverAddress; a != nil {
		o.Phone = string(a.Phone)
		o.Address = datasources.Address{
			Name:     string(a.Name),
			Line1:    string(a.Address),
			Line2:    joinNonEmpty(", ", string(a.Town), string(a.Area)),
			City:     string(a.City),
			Region:   string(a.Province),
			PostCode: string(a.ZipCode),
			Country:  string(a.CountryID),
		}
	}
	// The engine counts no unit of an order whose word says cancelled
	// (datasources.Order.IsCancelled), whatever code it had.
	cancelled := o.IsCancelled()
	o.Items = make([]datasources.Item, 0, len(w.OrderItemList))
	for i := range w.OrderItemList {
		it := &w.OrderItemList[i]
		price := it.SkuPrice
		if it.SkuSalePrice != nil && *it.SkuSalePrice != 0 {
			price = *it.SkuSalePrice
		}
		qty := int(it.Qty)
		if it.Qty < 0 || int64(it.Qty) > 1<<31 {
			return datasources.Order{}, fmt.Errorf("order %s: item quantity %d", id, int64(it.Qty))
		}
		o.Items = append(o.Items, datasources.Item{
			ID:        string(it.ID),
			SKU:       itemSKU(it),
			Quantity:  qty,
			Price:     datasources.Money(price),
			Cancelled: cancelled,
		})
	}
	return o, nil
}

// itemSKU is the seller's SKU as a sale configuration knows it: apiSkuId,
// else the goods number, else Akulaku's own sku id.
func itemSKU(it *wireItem) string {
	if s := string(it.APISkuID); s != "" {
		return s
	}
	for _, g := range it.GoodsInfos {
		if s := string(g.GoodsNo); s != "" {
			return s
		}
	}
	return string(it.SkuID)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// pageOrders converts a page of wire orders and reports whether the page
// came sorted by update time, oldest first, and its last order's update time
// as sent. The orders are returned oldest update first.
func pageOrders(ws []wireOrder, loc *time.Location, words map[int64]string) (orders []datasources.Order, ascending bool, last time.Time, err error) {
	orders = make([]datasources.Order, 0, len(ws))
	ascending = true
	for i := range ws {
		o, err := toOrder(&ws[i], loc, words)
		if err != nil {
			return nil, false, time.Time{}, err
		}
		if i > 0 && o.UpdatedAt.Before(last) {
			ascending = false
		}
		last = o.UpdatedAt
		orders = append(orders, o)
	}
	if !ascending {
		sort.SliceStable(orders, func(i, j int) bool { return orders[i].UpdatedAt.Before(orders[j].UpdatedAt) })
	}
	return orders, ascending, last, nil
}

// Layouts of times with a zone: the one public code shows, then common kin.
var zonedLayouts = []string{
	"2006-01-02T15:04:05-0700", // "2023-01-06T08:00:14.000+0000": fractions are accepted when parsing
	time.RFC3339,
	"2006-01-02 15:04:05-0700",
	"2006-01-02 15:04:05Z07:00",
}

// Layouts without a zone: read in the market's zone.
var localLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
}

// parseTime reads a time as Akulaku writes it: text with or without a zone,
// or an epoch number in milliseconds (12 digits or more) or seconds. The
// empty string is the zero time.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if ascii.Digits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || len(s) > 16 {
			return time.Time{}, fmt.Errorf("epoch %q out of range", s)
		}
		if len(s) >= 12 {
			return time.UnixMilli(n), nil
		}
		return time.Unix(n, 0), nil
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}
