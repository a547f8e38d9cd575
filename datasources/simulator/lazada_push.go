package simulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// LazadaPush is the push message Lazada's push mechanism would send for an
// order of a simulated Lazada channel: a trade order message (message_type
// 0) naming the order with its status and update time, and the
// Authorization header that signs it, hex(HMAC-SHA256(app_key + body,
// app_secret)). The signature is computed here, independently of the
// client's, so a bug in one cannot hide in the other.
func (s *Server) LazadaPush(channel, orderID string) (body []byte, authorization string, err error) {
	b := s.books[channel]
	if b == nil || b.Spec().Kind != datasources.KindLazada {
		return nil, "", fmt.Errorf("simulator: %q is not a simulated Lazada channel", channel)
	}
	o, ok := b.Order(orderID)
	if !ok {
		return nil, "", fmt.Errorf("simulator: %s has no order %q", channel, orderID)
	}
	line := ""
	if len(o.Items) > 0 {
		line = lzItemID(o.Items[0], 0)
	}
	msg := map[string]any{
		"seller_id":    "100" + strings.ToUpper(b.Spec().Market) + "0042",
		"message_type": 0,
		"data": map[string]any{
			"order_status":        o.Status, // pending, ready_to_ship, shipped, canceled
			"trade_order_id":      o.ID,
			"trade_order_line_id": line,
			"status_update_time":  o.UpdatedAt.Unix(),
		},
		"timestamp": time.Now().UnixMilli(),
		"site":      "lazada_" + strings.ToLower(b.Spec().Market),
	}
	return s.signPush(msg)
}

// signPush writes a push message and the Authorization header that signs it.
func (s *Server) signPush(msg map[string]any) (body []byte, authorization string, err error) {
	body, err = json.Marshal(msg)
	if err != nil {
		return nil, "", fmt.Errorf("simulator: push message: %w", err)
	}
	return body, SignLazadaPush(s.Creds.LazadaAppKey, s.Creds.LazadaAppSecret, body), nil
}

// LazadaReversePush is the reverse-order message (message_type 10) that
// Lazada's push mechanism may send, instead of a trade order message, for a
// cancelled order of a simulated Lazada channel: its ids as JSON numbers,
// reverse_status CANCEL_SUCCESS and status_update_time in seconds, as
// Lazada's reverse order sample has them, and the Authorization header
// that signs it. An order that is not cancelled has no such message.
func (s *Server) LazadaReversePush(channel, orderID string) (body []byte, authorization string, err error) {
	b := s.books[channel]
	if b == nil || b.Spec().Kind != datasources.KindLazada {
		return nil, "", fmt.Errorf("simulator: %q is not a simulated Lazada channel", channel)
	}
	o, ok := b.Order(orderID)
	if !ok {
		return nil, "", fmt.Errorf("simulator: %s has no order %q", channel, orderID)
	}
	if o.Status != StatusCanceled || len(o.Items) == 0 {
		return nil, "", fmt.Errorf("simulator: order %s of %s is %s, not cancelled: Lazada pushes no reverse order for it", orderID, channel, o.Status)
	}
	// Ids as numbers: every one is digits, an order line's at most 19.
	id, _ := strconv.ParseUint(o.ID, 10, 64)
	line, _ := strconv.ParseUint(lzItemID(o.Items[0], 0), 10, 64)
	buyer, _ := strconv.ParseUint(o.BuyerID, 10, 64)
	msg := map[string]any{
		"seller_id":    "100" + strings.ToUpper(b.Spec().Market) + "0042",
		"message_type": 10,
		"data": map[string]any{
			"reverse_order_id":      lzReverseBase + id,
			"reverse_order_line_id": lzReverseBase*10_000 + line, // the reverse order's id and the line's suffix
			"reverse_status":        "CANCEL_SUCCESS",
			"trade_order_id":        id,
			"trade_order_line_id":   line,
			"buyer_id":              buyer,
			"seller_id":             1000123456,
			"extraParams":           map[string]any{},
			"status_update_time":    o.UpdatedAt.Unix(),
		},
		"timestamp": time.Now().Unix(),
		"site":      "lazada_" + strings.ToLower(b.Spec().Market),
	}
	return s.signPush(msg)
}

// lzReverseBase offsets a reverse order's id from its order's, so that
// the two are never mistaken for each other.
const lzReverseBase = 200_000_000_000_000

// LazadaPushRequest is the request Lazada's push mechanism makes to a
// callback URL with a message: a POST of the body as application/json
// (as Lazada's push documentation shows it), signed in the Authorization
// header. The messages of LazadaPush and LazadaReversePush are stamped
// with the wall clock when they are made, as Lazada stamps a message when
// it sends it: send them at once, a receiver takes a message only within
// a few minutes of its stamp.
func LazadaPushRequest(ctx context.Context, url string, body []byte, authorization string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("simulator: push request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", authorization)
	return req, nil
}

// SignLazadaPush signs a push message body as Lazada does.
func SignLazadaPush(appKey, appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write([]byte(appKey))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
