package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	body, err = json.Marshal(msg)
	if err != nil {
		return nil, "", fmt.Errorf("simulator: push message: %w", err)
	}
	return body, SignLazadaPush(s.Creds.LazadaAppKey, s.Creds.LazadaAppSecret, body), nil
}

// SignLazadaPush signs a push message body as Lazada does.
func SignLazadaPush(appKey, appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write([]byte(appKey))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
