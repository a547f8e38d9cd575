package simulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"
)

func TestLazadaPushNamesTheOrderAndIsSigned(t *testing.T) {
	srv, _, clock := lzGateway(t)
	clock.Advance(2 * time.Minute)
	page, _ := srv.Book("lazada-id").Updates(Query{Limit: 1})
	if len(page) == 0 {
		t.Fatal("no orders after two minutes")
	}
	o := page[0]
	body, auth, err := srv.LazadaPush("lazada-id", o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		MessageType int    `json:"message_type"`
		Site        string `json:"site"`
		Data        struct {
			Status  string `json:"order_status"`
			OrderID string `json:"trade_order_id"`
			Updated int64  `json:"status_update_time"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.MessageType != 0 || msg.Site != "lazada_id" || msg.Data.OrderID != o.ID || msg.Data.Status != o.Status || msg.Data.Updated != o.UpdatedAt.Unix() {
		t.Fatalf("push %s for order %+v", body, o)
	}
	mac := hmac.New(sha256.New, []byte(srv.Creds.LazadaAppSecret))
	mac.Write([]byte(srv.Creds.LazadaAppKey + string(body)))
	if want := hex.EncodeToString(mac.Sum(nil)); auth != want {
		t.Fatalf("Authorization %s, want %s", auth, want)
	}
	// Stamped by the wall clock, as Lazada stamps what it sends, even
	// when the simulated sale runs ahead of it.
	var stamp struct {
		Timestamp int64 `json:"timestamp"`
	}
	if err := json.Unmarshal(body, &stamp); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(time.UnixMilli(stamp.Timestamp)); d < 0 || d > 5*time.Second {
		t.Errorf("the push is stamped %v, %v from the wall clock", time.UnixMilli(stamp.Timestamp), d)
	}
	req, err := LazadaPushRequest(t.Context(), "https://collector.example/webhooks/lazada", body, auth)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.Header.Get("Content-Type") != "application/json" || req.Header.Get("Authorization") != auth || req.ContentLength != int64(len(body)) {
		t.Errorf("push request %s %v (%d bytes)", req.Method, req.Header, req.ContentLength)
	}
	if _, _, err := srv.LazadaPush("lazada-id", "1"); err == nil {
		t.Error("a push for an order the book does not have")
	}
	if _, _, err := srv.LazadaPush("nope", o.ID); err == nil {
		t.Error("a push for a channel the simulator does not have")
	}
}
