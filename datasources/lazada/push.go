package lazada

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/flashdeck/flashdeck/datasources/jsonx"
)

// Lazada Push Mechanism: Lazada POSTs a JSON message to the app's callback
// URL (HTTPS with an OV or EV certificate) when something changes, e.g.
//
//	Authorization: 34f7b258df045d4ed9341850ca85b866f34828fd7d51862f11137216294a894c
//
//	{"seller_id":"1234567","message_type":0,
//	 "data":{"order_status":"unpaid","trade_order_id":"260422900198363",
//	         "trade_order_line_id":"260422900298363","status_update_time":1603698638},
//	 "timestamp":1603766859530,"site":"lazada_vn"}
//
// The Authorization header is hex(HMAC-SHA256(app_key + raw body, app
// secret)); Lazada expects a 200 within 500 ms and retries a failed
// delivery (12 times, 30 minutes apart). Message type 0 is a trade order's
// status change (older sellers get cancellations and returns this way too);
// type 10 is a reverse order (a cancellation, a return, a refund) naming
// the trade order it undoes. Either way the message names the order, and
// the order itself is read through the API.

// MaxPushBody bounds a push message's body: an order message is a few
// hundred bytes.
const MaxPushBody = 64 << 10

// PushWindow is how far a push message's timestamp may be from the
// receiver's clock, either way, for the message to be taken. Lazada stamps
// a message when it sends it ("timestamp of push"), so a message stamped
// further back is an old one sent again (a replay of a captured message,
// or a delivery held up for longer than Lazada would hold it), and one
// stamped further ahead comes from a clock that is wrong. The receiver
// remembers what it took within the window, so a repeat inside it is
// acknowledged without being read again. Lazada retries a delivery that
// got no 200 every 30 minutes; whether a retry is stamped anew is not
// documented: a retry that keeps its first stamp is refused, and the
// order comes with the next poll.
const PushWindow = 10 * time.Minute

// PushTradeOrder is the message_type of a trade order status change.
const PushTradeOrder = 0

// PushReverseOrder is the message_type of a reverse order (a cancellation,
// a return, a refund): it names the trade order it undoes, which is read
// again like the order of a trade message.
const PushReverseOrder = 10

// SignPush is the Authorization header Lazada sends with a push message:
// hex(HMAC-SHA256(appKey + body, appSecret)), lower case.
func SignPush(appKey, appSecret string, body []byte) string {
	return hex.EncodeToString(pushMAC(appKey, appSecret, body))
}

func pushMAC(appKey, appSecret string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write([]byte(appKey))
	mac.Write(body)
	return mac.Sum(nil)
}

// VerifyPush reports whether authorization (the request's Authorization
// header) is the signature of body by this app. The comparison takes the
// same time whatever the header holds (hmac.Equal); hex in either case is
// accepted.
func VerifyPush(appKey, appSecret string, body []byte, authorization string) bool {
	got, err := hex.DecodeString(strings.TrimSpace(authorization))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	return hmac.Equal(got, pushMAC(appKey, appSecret, body))
}

// Push is a push message, as far as flashdeck reads it.
type Push struct {
	SellerID    string
	MessageType int64
	// Site is Lazada's site name ("lazada_id"); Market its country code
	// ("ID"), or "" when the site names no market Lazada has.
	Site   string
	Market string
	// Timestamp is when Lazada sent the message (zero when absent).
	Timestamp time.Time
	// Order is the order a trade order (PushTradeOrder) or reverse order
	// (PushReverseOrder) message names; nil for other message types.
	Order *PushOrder
}

// CheckTime returns nil when the message's timestamp is within window of
// now (either way), else an error that names the timestamp, how far off it
// is and the window. A message without a timestamp (or stamped 0) is
// refused: Lazada stamps every message, and one without a time could be
// sent again forever.
func (p Push) CheckTime(now time.Time, window time.Duration) error {
	if p.Timestamp.IsZero() {
		return fmt.Errorf("timestamp is missing: Lazada stamps every push message, and one is taken only within %s of this server's clock", minutes(window))
	}
	stamp := p.Timestamp.UTC().Format(time.RFC3339Nano)
	switch d := now.Sub(p.Timestamp); {
	case d > window:
		return fmt.Errorf("timestamp %s is %s old: a push message is taken only within %s of this server's clock (an old message sent again is refused)", stamp, d.Round(time.Second), minutes(window))
	case d < -window:
		return fmt.Errorf("timestamp %s is %s ahead of this server's clock: a push message is taken only within %s of it", stamp, (-d).Round(time.Second), minutes(window))
	}
	return nil
}

// minutes writes a window as people say it: "10 minutes".
func minutes(d time.Duration) string {
	if d%time.Minute != 0 {
		return d.String()
	}
	if d == time.Minute {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", d/time.Minute)
}

// NamesOrder reports whether the message is about a trade order that must
// be read again: a trade order message, or a reverse order message (a
// cancellation or return changes what the order counts).
func (p Push) NamesOrder() bool {
	return p.Order != nil && (p.MessageType == PushTradeOrder || p.MessageType == PushReverseOrder)
}

// PushOrder is the order a trade order message is about.
type PushOrder struct {
	// ID is the trade order id: the order_id of /order/get.
	ID string
	// Status is the order's new status ("unpaid", "pending", "canceled"…);
	// for a reverse order message, its reverse_status ("cancel_success"…).
	Status string
	// UpdatedAt is status_update_time (zero when absent).
	UpdatedAt time.Time
	// ReverseOrderID is set when a cancellation or return caused it.
	ReverseOrderID string
}

// wirePush is a push message as sent. Each field is decoded on its own,
// so an error names it: ids and times arrive as numbers or strings.
type wirePush struct {
	SellerID    json.RawMessage `json:"seller_id"`
	MessageType json.RawMessage `json:"message_type"`
	Data        json.RawMessage `json:"data"`
	Timestamp   json.RawMessage `json:"timestamp"`
	Site        json.RawMessage `json:"site"`
}

// wireTradeOrder is the data of a trade order message and of a reverse
// order message: the second carries reverse_status instead of
// order_status, and its ids as JSON numbers.
type wireTradeOrder struct {
	Status         json.RawMessage `json:"order_status"`
	ReverseStatus  json.RawMessage `json:"reverse_status"`
	OrderID        json.RawMessage `json:"trade_order_id"`
	UpdateTime     json.RawMessage `json:"status_update_time"`
	ReverseOrderID json.RawMessage `json:"reverse_order_id"`
}

// ParsePush reads a push message. The error names what is wrong and where
// ("data.trade_order_id: …"). Message types other than PushTradeOrder and
// PushReverseOrder are returned without their data, which is not read.
func ParsePush(body []byte) (Push, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return Push{}, errors.New("the body is empty: a push message is a JSON object")
	}
	if len(body) > MaxPushBody {
		return Push{}, fmt.Errorf("the body is %d bytes, more than the %d a push message may have", len(body), MaxPushBody)
	}
	if body[0] != '{' {
		return Push{}, errors.New("the body is not a JSON object")
	}
	var w wirePush
	if err := json.Unmarshal(body, &w); err != nil {
		return Push{}, fmt.Errorf("the body is not a push message: %s", jsonProblem(err))
	}
	if isNull(w.MessageType) {
		return Push{}, errors.New("message_type is missing")
	}
	var (
		p        Push
		mt, ts   jsonx.Int
		seller   jsonx.String
		siteName jsonx.String
	)
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  json.Unmarshaler
	}{{"message_type", w.MessageType, &mt}, {"seller_id", w.SellerID, &seller}, {"site", w.Site, &siteName}, {"timestamp", w.Timestamp, &ts}} {
		if err := decodeField(f.name, f.raw, f.dst); err != nil {
			return Push{}, err
		}
	}
	p.MessageType, p.SellerID = int64(mt), string(seller)
	p.Site, p.Market = strings.ToLower(string(siteName)), siteMarket(string(siteName))
	if !printable(p.SellerID) || !printable(p.Site) {
		return Push{}, errors.New("seller_id or site holds control characters")
	}
	var err error
	if p.Timestamp, err = epoch(int64(ts)); err != nil {
		return Push{}, fmt.Errorf("timestamp: %w", err)
	}
	if p.MessageType != PushTradeOrder && p.MessageType != PushReverseOrder {
		return p, nil
	}
	d := bytes.TrimSpace(w.Data)
	if isNull(d) {
		return Push{}, fmt.Errorf("data is missing: a message of type %d names its order in data", p.MessageType)
	}
	if d[0] != '{' {
		return Push{}, errors.New("data is not a JSON object")
	}
	var wo wireTradeOrder
	if err := json.Unmarshal(d, &wo); err != nil {
		return Push{}, fmt.Errorf("data: %s", jsonProblem(err))
	}
	var (
		id, status, reverse jsonx.String
		updated             jsonx.Int
	)
	statusField, statusRaw := "data.order_status", wo.Status
	if p.MessageType == PushReverseOrder {
		statusField, statusRaw = "data.reverse_status", wo.ReverseStatus
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  json.Unmarshaler
	}{{"data.trade_order_id", wo.OrderID, &id}, {statusField, statusRaw, &status},
		{"data.reverse_order_id", wo.ReverseOrderID, &reverse}, {"data.status_update_time", wo.UpdateTime, &updated}} {
		if err := decodeField(f.name, f.raw, f.dst); err != nil {
			return Push{}, err
		}
	}
	switch {
	case id == "":
		return Push{}, errors.New("data.trade_order_id is missing")
	case !isDigits(string(id)):
		return Push{}, fmt.Errorf("data.trade_order_id %q is not a Lazada order id (digits)", clip(string(id)))
	}
	if !printable(string(status)) || !printable(string(reverse)) {
		return Push{}, fmt.Errorf("%s or data.reverse_order_id holds control characters", statusField)
	}
	po := &PushOrder{ID: string(id), Status: strings.ToLower(string(status)), ReverseOrderID: string(reverse)}
	if po.UpdatedAt, err = epoch(int64(updated)); err != nil {
		return Push{}, fmt.Errorf("data.status_update_time: %w", err)
	}
	p.Order = po
	return p, nil
}

// decodeField decodes one field, naming it in the error; absent is zero.
func decodeField(name string, raw json.RawMessage, dst json.Unmarshaler) error {
	if len(raw) == 0 {
		return nil
	}
	if err := dst.UnmarshalJSON(raw); err != nil {
		return fmt.Errorf("%s: %s", name, jsonProblem(err))
	}
	return nil
}

func isNull(b json.RawMessage) bool {
	b = bytes.TrimSpace(b)
	return len(b) == 0 || string(b) == "null"
}

// epoch reads a Unix time Lazada writes in seconds or in milliseconds
// (both occur, even within one message): 0 is no time.
func epoch(v int64) (time.Time, error) {
	switch {
	case v == 0:
		return time.Time{}, nil
	case v < 0:
		return time.Time{}, fmt.Errorf("%d is before 1970", v)
	case v < 1e11: // seconds: until the year 5138
		return time.Unix(v, 0), nil
	case v < 1e14: // milliseconds
		return time.UnixMilli(v), nil
	}
	return time.Time{}, fmt.Errorf("%d is not a time in seconds or milliseconds", v)
}

// siteMarket reads the market of a site name: "lazada_id" → "ID".
func siteMarket(site string) string {
	s := strings.ToLower(strings.TrimSpace(site))
	m, ok := strings.CutPrefix(s, "lazada_")
	if !ok {
		return ""
	}
	m = strings.ToUpper(m)
	if GatewayURL(m) == "" {
		return ""
	}
	return m
}

// jsonProblem words a decoding error, naming the field when it can.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s: expected %s, got %s", te.Field, te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
