package lazada

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pushSample is the trade order message of Lazada's push documentation.
const pushSample = `{"seller_id":"1234567","message_type":0,"data":{"order_status":"unpaid","trade_order_id":"260422900198363","trade_order_line_id":"260422900298363","status_update_time":1603698638},"timestamp":1603766859530,"site":"lazada_vn"}`

func TestSignPushIsHMACOfAppKeyAndBody(t *testing.T) {
	// Written out from the documentation's formula, not from SignPush:
	// Authorization = HEX(HMAC-SHA256(app_key + body, app_secret)).
	mac := hmac.New(sha256.New, []byte("helloworld"))
	mac.Write([]byte("123456" + pushSample))
	want := hex.EncodeToString(mac.Sum(nil))
	if got := SignPush("123456", "helloworld", []byte(pushSample)); got != want {
		t.Fatalf("SignPush = %s, want %s", got, want)
	}
	if want != strings.ToLower(want) {
		t.Fatal("the signature is not lower-case hex")
	}
	body := []byte(pushSample)
	for _, c := range []struct {
		name, key, secret, auth string
		body                    []byte
		ok                      bool
	}{
		{"as sent", "123456", "helloworld", want, body, true},
		{"upper-case hex", "123456", "helloworld", strings.ToUpper(want), body, true},
		{"surrounding spaces", "123456", "helloworld", " " + want + " ", body, true},
		{"wrong secret", "123456", "hello", want, body, false},
		{"wrong app key", "654321", "helloworld", want, body, false},
		{"changed body", "123456", "helloworld", want, []byte(strings.Replace(pushSample, "unpaid", "paid", 1)), false},
		{"missing", "123456", "helloworld", "", body, false},
		{"not hex", "123456", "helloworld", "Bearer " + want, body, false},
		{"cut short", "123456", "helloworld", want[:62], body, false},
		{"too long", "123456", "helloworld", want + "00", body, false},
	} {
		if got := VerifyPush(c.key, c.secret, c.body, c.auth); got != c.ok {
			t.Errorf("%s: VerifyPush = %v, want %v", c.name, got, c.ok)
		}
	}
}

func TestParsePush(t *testing.T) {
	p, err := ParsePush([]byte(pushSample))
	if err != nil {
		t.Fatal(err)
	}
	if p.MessageType != PushTradeOrder || p.SellerID != "1234567" || p.Site != "lazada_vn" || p.Market != "VN" || p.Order == nil {
		t.Fatalf("%+v", p)
	}
	if o := p.Order; o.ID != "260422900198363" || o.Status != "unpaid" || !o.UpdatedAt.Equal(time.Unix(1603698638, 0)) {
		t.Errorf("order %+v", o)
	}
	if !p.Timestamp.Equal(time.UnixMilli(1603766859530)) {
		t.Errorf("timestamp %v", p.Timestamp)
	}

	// The reverse order message: ids as numbers, a cancellation.
	p, err = ParsePush([]byte(`{"seller_id":1000114855,"message_type":"0","data":{"order_status":"Canceled","reverse_order_id":501977696648153,"status_update_time":"1603703663","trade_order_id":252883361348153},"timestamp":1603715010,"site":"LAZADA_ID"}`))
	if err != nil {
		t.Fatal(err)
	}
	if o := p.Order; o == nil || o.ID != "252883361348153" || o.Status != "canceled" || o.ReverseOrderID != "501977696648153" || p.Market != "ID" {
		t.Fatalf("%+v %+v", p, o)
	}

	// Other message types are read without their data.
	p, err = ParsePush([]byte(`{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1627038397,"site":"lazada_sg"}`))
	if err != nil || p.MessageType != 13 || p.Order != nil || p.Market != "SG" {
		t.Fatalf("%+v %v", p, err)
	}
	if p, err := ParsePush([]byte(`{"message_type":12,"data":[1,2],"site":"lazada_xx"}`)); err != nil || p.Market != "" {
		t.Fatalf("%+v %v", p, err)
	}

	for body, want := range map[string]string{
		``:                              "empty",
		`[]`:                            "not a JSON object",
		`{"message_type":0,`:            "not a push message",
		`{"data":{}}`:                   "message_type is missing",
		`{"message_type":"zero"}`:       "message_type:",
		`{"message_type":0.5}`:          "message_type:",
		`{"message_type":0}`:            "data is missing",
		`{"message_type":0,"data":"x"}`: "data is not a JSON object",
		`{"message_type":0,"data":{}}`:  "data.trade_order_id is missing",
		`{"message_type":0,"data":{"trade_order_id":{"a":1}}}`:                     "data.trade_order_id:",
		`{"message_type":0,"data":{"trade_order_id":"12 OR 1=1"}}`:                 "data.trade_order_id \"12 OR 1=1\" is not a Lazada order id",
		`{"message_type":0,"data":{"trade_order_id":"1","status_update_time":-5}}`: "data.status_update_time",
		`{"message_type":0,"timestamp":"soon","data":{"trade_order_id":"1"}}`:      "timestamp:",
		`{"message_type":0,"site":"lazada\u0007id","data":{"trade_order_id":"1"}}`: "control characters",
	} {
		_, err := ParsePush([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", body, err, want)
		}
	}
	if _, err := ParsePush([]byte(`{"message_type":0,"pad":"` + strings.Repeat("x", MaxPushBody) + `"}`)); err == nil || !strings.Contains(err.Error(), "65536") {
		t.Errorf("oversized body: %v", err)
	}
}

// TestPushNamesOrder: a trade order message (type 0, its return and
// cancellation variants included) and a reverse order message (type 10:
// a cancellation, return or refund, with its ids as JSON numbers) name the
// trade order to read again; other messages name none.
func TestPushNamesOrder(t *testing.T) {
	for _, tc := range []struct {
		name, body          string
		names               bool
		id, status, reverse string
		updated, sent       time.Time
	}{
		{name: "reverse order", names: true, id: "416557324702006", status: "rtm_init", reverse: "658960600102006",
			body:    `{"seller_id":"12345","message_type":10,"data":{"reverse_order_id":658960600102006,"reverse_status":"RTM_INIT","trade_order_id":416557324702006,"extraParams":{},"trade_order_line_id":416557324802006,"buyer_id":100112802006,"seller_id":1000143772,"reverse_order_line_id":663790000102006,"status_update_time":1626767698},"timestamp":1627889609,"site":"lazada_sg"}`,
			updated: time.Unix(1626767698, 0), sent: time.Unix(1627889609, 0)},
		{name: "cancellation of a trade order", names: true, id: "252883361348153", status: "canceled", reverse: "501977696648153",
			body:    `{"seller_id":"1000114855","message_type":0,"data":{"order_status":"canceled","reverse_order_id":"501977696648153","reverse_order_line_id":"502491640048153","status_update_time":1603703663,"trade_order_id":"252883361348153","trade_order_line_id":"252883361948153"},"timestamp":1603715010436,"site":"lazada_vn"}`,
			updated: time.Unix(1603703663, 0), sent: time.UnixMilli(1603715010436)},
		{name: "return of a trade order", names: true, id: "252883361348153", status: "returned", reverse: "501977696648153",
			body:    `{"seller_id":"1000114855","message_type":0,"data":{"order_status":"returned","reverse_order_id":"501977696648153","reverse_order_line_id":"502491640048153","status_update_time":1603703663,"trade_order_id":"252883361348153","trade_order_line_id":"252883361948153"},"timestamp":1603715010436,"site":"lazada_vn"}`,
			updated: time.Unix(1603703663, 0), sent: time.UnixMilli(1603715010436)},
		{name: "seller status", body: `{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1627038397,"site":"lazada_sg"}`,
			sent: time.Unix(1627038397, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePush([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if p.NamesOrder() != tc.names || !p.Timestamp.Equal(tc.sent) {
				t.Fatalf("%+v: names an order %v, sent %v", p, p.NamesOrder(), p.Timestamp)
			}
			if !tc.names {
				return
			}
			if o := p.Order; o.ID != tc.id || o.Status != tc.status || o.ReverseOrderID != tc.reverse || !o.UpdatedAt.Equal(tc.updated) {
				t.Fatalf("order %+v", o)
			}
		})
	}
	// A reverse order message without its trade order is refused, as a
	// trade order message is.
	if _, err := ParsePush([]byte(`{"message_type":10,"data":{"reverse_order_id":1,"reverse_status":"CANCEL_INIT"}}`)); err == nil || !strings.Contains(err.Error(), "data.trade_order_id is missing") {
		t.Fatalf("got %v", err)
	}
}

// TestPushCheckTime: a push message is taken only when its own timestamp
// (seconds or milliseconds, as Lazada writes either) is within the window
// of the receiver's clock, either way; the refusal names the window.
func TestPushCheckTime(t *testing.T) {
	now := time.Date(2026, 11, 23, 14, 3, 0, 0, time.UTC)
	msg := func(ts string) string {
		return `{"seller_id":"1","message_type":0,"data":{"order_status":"pending","trade_order_id":"1"},"timestamp":` + ts + `,"site":"lazada_id"}`
	}
	sec := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	ms := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	for _, c := range []struct {
		name, body string
		want       string // "" when taken
	}{
		{"now, in milliseconds", msg(ms(0)), ""},
		{"now, in seconds", msg(sec(0)), ""},
		{"now, as a string", msg(`"` + ms(0) + `"`), ""},
		{"9 minutes old", msg(ms(-9 * time.Minute)), ""},
		{"at the edge of the window", msg(ms(-PushWindow)), ""},
		{"just ahead of the clock", msg(sec(2 * time.Minute)), ""},
		{"a millisecond too old", msg(ms(-PushWindow - time.Millisecond)), "old: a push message is taken only within 10 minutes"},
		{"an hour old", msg(sec(-time.Hour)), "1h0m0s old"},
		{"stamped 1970", msg("1"), "timestamp 1970-01-01T00:00:01Z is"},
		{"stamped 1970, in milliseconds", msg("1000"), "within 10 minutes"},
		{"11 minutes ahead", msg(ms(11 * time.Minute)), "11m0s ahead of this server's clock"},
		{"in the year 5000", msg("95617584000"), "ahead of this server's clock"},
		{"no timestamp", `{"message_type":0,"data":{"trade_order_id":"1"}}`, "timestamp is missing"},
		{"stamped 0", msg("0"), "timestamp is missing"},
		{"another message type, old", `{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1627038397,"site":"lazada_sg"}`, "old"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePush([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			err = p.CheckTime(now, PushWindow)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("%v, want an error with %q", err, c.want)
			}
		})
	}
}

// FuzzParsePush: any body is read without panicking; an accepted trade
// or reverse order message names an order of digits, and written out
// again in the documentation's shape it reads back the same.
func FuzzParsePush(f *testing.F) {
	f.Add([]byte(pushSample))
	f.Add([]byte(`{"seller_id":1000114855,"message_type":"0","data":{"order_status":"canceled","reverse_order_id":501977696648153,"status_update_time":"1603703663","trade_order_id":252883361348153},"timestamp":1603715010,"site":"lazada_id"}`))
	f.Add([]byte(`{"seller_id":"100053528","message_type":13,"data":{"status":"normal"},"timestamp":1627038397,"site":"lazada_sg"}`))
	f.Add([]byte(`{"message_type":0,"data":{"trade_order_id":"1","status_update_time":1e3}}`))
	f.Add([]byte(`{"message_type":0,"data":null}`))
	f.Add([]byte(`[`))
	f.Add([]byte(`{"seller_id":"12345","message_type":10,"data":{"reverse_order_id":658960600102006,"reverse_status":"RTM_INIT","trade_order_id":416557324702006,"extraParams":{},"buyer_id":100112802006,"status_update_time":1626767698},"timestamp":1627889609,"site":"lazada_sg"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePush(body)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an error without words")
			}
			return
		}
		// The window is measured from the message's own timestamp.
		if p.Timestamp.IsZero() {
			if p.CheckTime(time.Now(), PushWindow) == nil {
				t.Fatal("a message without a timestamp is in the window")
			}
		} else if p.CheckTime(p.Timestamp.Add(PushWindow), PushWindow) != nil ||
			p.CheckTime(p.Timestamp.Add(PushWindow+time.Millisecond), PushWindow) == nil ||
			p.CheckTime(p.Timestamp.Add(-PushWindow-time.Millisecond), PushWindow) == nil {
			t.Fatalf("timestamp %v: the window is not measured from it", p.Timestamp)
		}
		if p.MessageType != PushTradeOrder && p.MessageType != PushReverseOrder {
			if p.Order != nil || p.NamesOrder() {
				t.Fatalf("message type %d with an order", p.MessageType)
			}
			return
		}
		o := p.Order
		if o == nil || !isDigits(o.ID) || !p.NamesOrder() {
			t.Fatalf("accepted an order message without an order id: %+v", p)
		}
		status := "order_status"
		if p.MessageType == PushReverseOrder {
			status = "reverse_status"
		}
		again := map[string]any{
			"seller_id": p.SellerID, "message_type": p.MessageType, "site": p.Site,
			"data": map[string]any{status: o.Status, "trade_order_id": o.ID, "reverse_order_id": o.ReverseOrderID, "status_update_time": o.UpdatedAt.Unix()},
		}
		if !o.UpdatedAt.IsZero() && o.UpdatedAt.Nanosecond() != 0 {
			again["data"].(map[string]any)["status_update_time"] = o.UpdatedAt.UnixMilli()
		}
		if o.UpdatedAt.IsZero() {
			delete(again["data"].(map[string]any), "status_update_time")
		}
		b, _ := json.Marshal(again)
		q, err := ParsePush(b)
		if err != nil || q.Order == nil || *q.Order != *o || q.SellerID != p.SellerID || q.Market != p.Market {
			t.Fatalf("%s read as %+v %+v; written again %s it reads %+v %v", body, p, o, b, q, err)
		}
	})
}

// FuzzVerifyPush: any Authorization header, any body: accepted exactly
// when the header is the hex (either case, spaces around) of
// HMAC-SHA256(app_key + body, app_secret), as the documentation writes
// the formula out.
func FuzzVerifyPush(f *testing.F) {
	mac := hmac.New(sha256.New, []byte("helloworld"))
	mac.Write([]byte("123456" + pushSample))
	good := hex.EncodeToString(mac.Sum(nil))
	f.Add([]byte(pushSample), good)
	f.Add([]byte(pushSample), strings.ToUpper(good))
	f.Add([]byte(pushSample), " "+good+"\t")
	f.Add([]byte(pushSample), good[:63])
	f.Add([]byte(`{}`), "zz")
	f.Fuzz(func(t *testing.T, body []byte, authorization string) {
		mac := hmac.New(sha256.New, []byte("helloworld"))
		mac.Write([]byte("123456"))
		mac.Write(body)
		want := hex.EncodeToString(mac.Sum(nil))
		if got := VerifyPush("123456", "helloworld", body, authorization); got != strings.EqualFold(strings.TrimSpace(authorization), want) {
			t.Fatalf("VerifyPush(%q) = %v for a body whose signature is %s", authorization, got, want)
		}
	})
}
