package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

var tp = time.Date(2026, 11, 23, 14, 0, 0, 123456789, time.UTC)

func launchOrder() Record {
	return Record{
		Order: datasources.Order{
			ID: "880000123456789012", CreatedAt: tp, UpdatedAt: tp.Add(90 * time.Second), Status: "pending",
			Address: datasources.Address{City: "Bandung", Region: "Jawa Barat", Country: "Indonesia"},
			Items: []datasources.Item{
				{ID: "it-1", SKU: "POCO-M3-464-BLK", Quantity: 1, Price: 199900000},
				{SKU: "CASE-M3", Quantity: 2, Price: -1500, Cancelled: true},
			},
		},
		Sealed: bytes.Repeat([]byte{0xa5}, 150),
	}
}

func TestRoundTrip(t *testing.T) {
	full := launchOrder()
	full.BuyerID, full.Phone, full.PaymentFingerprint = "buyer-1", "0812345", "pf_1"
	full.Address.Name, full.Address.Line1, full.Address.Line2, full.Address.PostCode = "Kartika", "Jl. Diponegoro No. 1", "RT 01/RW 02", "40115"
	purged := launchOrder()
	purged.Sealed, purged.Purged = nil, tp.Add(30*24*time.Hour)
	bare := Record{Order: datasources.Order{ID: "1"}}
	// Times far apart: the created delta wraps and still round-trips.
	far := launchOrder()
	far.CreatedAt, far.UpdatedAt = time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	future := launchOrder()
	future.UpdatedAt = time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC) // JSON cannot hold it
	for name, r := range map[string]Record{"launch": launchOrder(), "full": full, "purged": purged, "bare": bare, "far": far, "future": future} {
		t.Run(name, func(t *testing.T) {
			v := Append(nil, &r)
			var d Decoder
			var got Record
			if err := d.Decode([]byte(r.ID), v, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
			}
			h, err := ReadHead(v)
			if err != nil || !h.UpdatedAt.Equal(r.UpdatedAt) || !h.CreatedAt.Equal(r.CreatedAt) || h.Sealed != (r.Sealed != nil) {
				t.Errorf("head %+v, %v", h, err)
			}
		})
	}
}

func TestCompactBesideJSON(t *testing.T) {
	r := launchOrder()
	j, _ := json.Marshal(&r)
	b := Append(nil, &r)
	t.Logf("launch order: %d bytes binary, %d bytes JSON", len(b), len(j))
	// Without the sealed value, the binary record is under a third of the
	// JSON one (which also carries the sealed value in base64).
	if len(b)-len(r.Sealed) > (len(j)-200)/3 {
		t.Errorf("binary record %d bytes (%d without the sealed value), JSON %d", len(b), len(b)-len(r.Sealed), len(j))
	}
}

// Records written as JSON by earlier versions read as before.
func TestReadsJSON(t *testing.T) {
	r := launchOrder()
	r.UpdatedAt = r.UpdatedAt.In(time.FixedZone("WIB", 7*3600))
	j, _ := json.Marshal(&r)
	var d Decoder
	var got Record
	if err := d.Decode([]byte(r.ID), j, &got); err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || !got.UpdatedAt.Equal(r.UpdatedAt) || !bytes.Equal(got.Sealed, r.Sealed) || !reflect.DeepEqual(got.Items, r.Items) {
		t.Errorf("JSON record read as %+v", got)
	}
	h, err := ReadHead(j)
	if err != nil || !h.UpdatedAt.Equal(r.UpdatedAt) || !h.CreatedAt.Equal(r.CreatedAt) || !h.Sealed {
		t.Errorf("head of a JSON record %+v, %v", h, err)
	}
}

func TestDamagedRecordsAreRefused(t *testing.T) {
	r := launchOrder()
	good := Append(nil, &r)
	cases := map[string][]byte{
		"empty":            {},
		"other version":    append([]byte{2}, good[1:]...),
		"unknown field":    append([]byte{Version1, 0x80, 0x80, 0x01}, good[2:]...),
		"cut short":        good[:len(good)-1],
		"cut in the head":  good[:3],
		"trailing bytes":   append(bytes.Clone(good), 0),
		"broken JSON":      []byte(`{"id":"1","updated_at":`),
		"overlong varint":  {Version1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		"nanoseconds 1e10": append([]byte{Version1, 0, 0}, binaryUvarint(1e10)...),
	}
	// A record of no fields and no items, then a count of a billion items.
	bare := Append(nil, &Record{})
	cases["huge item count"] = append(bare[:len(bare)-1], 0x80, 0x94, 0xeb, 0xdc, 0x03)
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			var d Decoder
			var got Record
			err := d.Decode([]byte("k"), v, &got)
			if !errors.Is(err, ErrDamaged) {
				t.Errorf("Decode: %v, want ErrDamaged", err)
			}
			if !reflect.DeepEqual(got, Record{}) {
				t.Errorf("a damaged record left %+v", got)
			}
		})
	}
}

func binaryUvarint(v uint64) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// FuzzDecode: the database file is the user's, and may be damaged. Decode
// never panics, and what it accepts encodes back to what it read.
func FuzzDecode(f *testing.F) {
	r := launchOrder()
	f.Add([]byte("880000123456789012"), Append(nil, &r))
	f.Add([]byte("1"), Append(nil, &Record{}))
	j, _ := json.Marshal(&r)
	f.Add([]byte("880000123456789012"), j)
	f.Fuzz(func(t *testing.T, key, v []byte) {
		var d Decoder
		var got Record
		if err := d.Decode(key, v, &got); err != nil {
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("error %v does not wrap ErrDamaged", err)
			}
			return
		}
		if _, err := ReadHead(v); err != nil {
			t.Fatalf("Decode accepted what ReadHead refuses: %v", err)
		}
		if IsJSON(v) {
			return
		}
		again := Append(nil, &got)
		var back Record
		if err := d.Decode(key, again, &back); err != nil || !reflect.DeepEqual(back, got) {
			t.Fatalf("re-encoded record reads as %+v, %v; want %+v", back, err, got)
		}
	})
}

// BenchmarkCodec is the cost of encoding and decoding one launch order's
// record, beside encoding/json on the same record.
func BenchmarkCodec(b *testing.B) {
	r := launchOrder()
	key := []byte(r.ID)
	b.Run("binary", func(b *testing.B) {
		b.ReportAllocs()
		var d Decoder
		var buf []byte
		var got Record
		for b.Loop() {
			buf = Append(buf[:0], &r)
			if err := d.Decode(key, buf, &got); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(buf)), "bytes/record")
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		var v []byte
		for b.Loop() {
			v, _ = json.Marshal(&r)
			var got Record
			if err := json.Unmarshal(v, &got); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(v)), "bytes/record")
	})
}
