package brandstore

import (
	"fmt"
	"testing"
)

// Every line of an order that no longer counts is cancelled, whatever the
// line says; a live order keeps each line's own word.
func TestOrderStatusCancelsItsLines(t *testing.T) {
	for _, tt := range []struct {
		status    string
		cancelled bool
	}{
		{"paid", false}, {"shipped", false}, {"cancelled", true}, {"Canceled", true},
		{"refunded", true}, {"returned", true}, {"failed", true},
	} {
		body := fmt.Sprintf(`{"id":"5001","buyer_id":"b1","created_at":"2026-11-23T14:00:01+07:00","updated_at":"2026-11-23T14:00:02+07:00","status":%q,
			"items":[{"sku":"POCO-M3","qty":2,"unit_price":"1999000.00"},{"sku":"POCO-X7","qty":1,"unit_price":"1.00","cancelled":true}]}`, tt.status)
		o, err := decodeOrder([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", tt.status, err)
		}
		if o.Items[0].Cancelled != tt.cancelled || !o.Items[1].Cancelled {
			t.Errorf("status %s: lines cancelled %v, %v; want %v, true", tt.status, o.Items[0].Cancelled, o.Items[1].Cancelled, tt.cancelled)
		}
	}
}
