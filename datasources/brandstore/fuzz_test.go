package brandstore

import "testing"

// Fuzz targets for the two answers read from a brand store. Run with
// go test -fuzz=FuzzDecodeOrders ./datasources/brandstore

func FuzzDecodeOrders(f *testing.F) {
	f.Add([]byte(`{"orders":[{"id":"5001","buyer_id":"b1","created_at":"2026-11-23T14:00:01+07:00","updated_at":"2026-11-23T14:00:02.250+07:00","status":"paid","items":[{"sku":"POCO-M3","qty":2,"unit_price":"1999000.00"}]}],"next_cursor":"abc","has_more":false,"total":1}`))
	f.Add([]byte(`{"orders":[{"id":"","items":[]}],"has_more":true}`))
	f.Add([]byte(`{"orders":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeOrders(body)
		if err != nil {
			return
		}
		for _, o := range p.orders {
			if o.ID == "" || o.UpdatedAt.IsZero() {
				t.Fatalf("accepted an order without id or update time: %+v", o)
			}
			for _, it := range o.Items {
				if it.SKU == "" || it.Quantity < 0 {
					t.Fatalf("accepted a line without SKU or with negative units: %+v", it)
				}
			}
		}
	})
}

func FuzzDecodeStock(f *testing.F) {
	f.Add([]byte(`{"as_of":"2026-11-23T14:00:00+07:00","skus":[{"sku":"POCO-M3","sellable":12,"price":"2199000","sale_price":"1999000","state":"active"}]}`))
	f.Add([]byte(`{"as_of":"yesterday"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rs, err := decodeStock(body)
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.SKU == "" {
				t.Fatalf("accepted a reading without SKU: %+v", r)
			}
		}
	})
}
