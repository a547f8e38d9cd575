// Package record is how the database holds one order: a compact binary
// record, versioned by its first byte. Records written before it, as JSON,
// still read (a JSON record starts with '{', which no binary version uses),
// so a state directory of an earlier flashdeck keeps working and is
// rewritten record by record as orders change.
//
// The record is read back from a file a user may have damaged or copied
// half-written: Decode never panics on any input, it says what is wrong.
package record

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flashdeck/flashdeck/datasources"
)

// Record is an order as the database holds it: without its personal data,
// which is sealed beside it (or gone once purged). The JSON tags read the
// records of earlier versions.
type Record struct {
	datasources.Order
	// Sealed is the personal data, sealed with the data key (opaque here).
	Sealed []byte `json:"pii,omitempty"`
	// Purged is when the personal data was removed (retention).
	Purged time.Time `json:"pii_purged,omitzero"`
}

// Version1 heads a binary record:
//
//	1 byte   Version1
//	uvarint  present: which optional fields follow (the has* bits)
//	varint   UpdatedAt, seconds since 1970 (UTC); uvarint its nanoseconds
//	varint   CreatedAt − UpdatedAt in seconds;   uvarint its nanoseconds
//	         [Purged: varint seconds, uvarint nanoseconds]
//	         the present strings, in the order of the has* bits, each a
//	         uvarint length and its bytes
//	uvarint  number of items, then each: uvarint flags (itemID,
//	         itemCancelled), [ID], SKU, varint quantity, varint price
//	         [Sealed: uvarint length and its bytes]
//
// The order's id is the record's key and is not repeated in it. UpdatedAt
// comes first so that a write can compare versions (UpdatedAt) without
// decoding the rest, and retention can find CreatedAt and whether personal
// data is sealed from the head alone.
const Version1 = 1

// The optional fields of a Version1 record.
const (
	hasBuyerID = 1 << iota
	hasStatus
	hasPhone
	hasName
	hasLine1
	hasLine2
	hasCity
	hasRegion
	hasPostCode
	hasCountry
	hasPaymentFP
	hasSealed
	hasPurged
	hasAll = hasPurged<<1 - 1
)

// Item flags.
const (
	itemID = 1 << iota
	itemCancelled
	itemAll = itemCancelled<<1 - 1
)

// strs are the optional string fields of o, in the order of the has* bits.
func strs(o *datasources.Order) [11]*string {
	return [11]*string{&o.BuyerID, &o.Status, &o.Phone, &o.Address.Name, &o.Address.Line1, &o.Address.Line2,
		&o.Address.City, &o.Address.Region, &o.Address.PostCode, &o.Address.Country, &o.PaymentFingerprint}
}

// interned are the string fields whose values repeat over many orders
// (status, city, region, country): one copy of each is kept per Decoder.
const interned = hasStatus | hasCity | hasRegion | hasCountry

// Append appends r's binary record to dst. r.ID is not in it (it is the
// key).
func Append(dst []byte, r *Record) []byte {
	o := &r.Order
	var present uint64
	for i, s := range strs(o) {
		if *s != "" {
			present |= 1 << i
		}
	}
	if r.Sealed != nil {
		present |= hasSealed
	}
	if !r.Purged.IsZero() {
		present |= hasPurged
	}
	dst = append(dst, Version1)
	dst = binary.AppendUvarint(dst, present)
	us := o.UpdatedAt.Unix()
	dst = binary.AppendVarint(dst, us)
	dst = binary.AppendUvarint(dst, uint64(o.UpdatedAt.Nanosecond()))
	// Wrapping arithmetic: any two times round-trip, however far apart.
	dst = binary.AppendVarint(dst, o.CreatedAt.Unix()-us)
	dst = binary.AppendUvarint(dst, uint64(o.CreatedAt.Nanosecond()))
	if present&hasPurged != 0 {
		dst = binary.AppendVarint(dst, r.Purged.Unix())
		dst = binary.AppendUvarint(dst, uint64(r.Purged.Nanosecond()))
	}
	for _, s := range strs(o) {
		if *s != "" {
			dst = appendString(dst, *s)
		}
	}
	dst = binary.AppendUvarint(dst, uint64(len(o.Items)))
	for i := range o.Items {
		it := &o.Items[i]
		var f uint64
		if it.ID != "" {
			f |= itemID
		}
		if it.Cancelled {
			f |= itemCancelled
		}
		dst = binary.AppendUvarint(dst, f)
		if it.ID != "" {
			dst = appendString(dst, it.ID)
		}
		dst = appendString(dst, it.SKU)
		dst = binary.AppendVarint(dst, int64(it.Quantity))
		dst = binary.AppendVarint(dst, int64(it.Price))
	}
	if present&hasSealed != 0 {
		dst = binary.AppendUvarint(dst, uint64(len(r.Sealed)))
		dst = append(dst, r.Sealed...)
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// Head is what the start of a record says, read without decoding the rest.
type Head struct {
	UpdatedAt, CreatedAt time.Time
	// Sealed: the record holds sealed personal data.
	Sealed bool
}

// ErrDamaged is wrapped by every error about a record's bytes.
var ErrDamaged = errors.New("record does not decode")

func damaged(what string) error { return fmt.Errorf("%w: %s", ErrDamaged, what) }

// reader walks a binary record; the first failure sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = damaged(what)
	}
	r.b = nil
}

func (r *reader) uvarint(what string) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint(what string) int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// bytes returns the next length-prefixed bytes, aliasing the record.
func (r *reader) bytes(what string) []byte {
	n := r.uvarint(what)
	if n > uint64(len(r.b)) {
		r.fail(what + " runs past the record's end")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// time reads seconds (plus base, wrapping) and nanoseconds.
func (r *reader) time(base int64, what string) time.Time {
	s := r.varint(what)
	ns := r.uvarint(what)
	if ns >= 1e9 {
		r.fail(what + ": nanoseconds out of range")
		return time.Time{}
	}
	return time.Unix(base+s, int64(ns)).UTC()
}

func (r *reader) head() (h Head, present uint64) {
	if len(r.b) == 0 {
		r.fail("empty")
		return h, 0
	}
	if r.b[0] != Version1 {
		r.fail(fmt.Sprintf("record format %d, this flashdeck reads %d", r.b[0], Version1))
		return h, 0
	}
	r.b = r.b[1:]
	present = r.uvarint("field set")
	if present&^hasAll != 0 {
		r.fail(fmt.Sprintf("unknown fields %#x", present&^hasAll))
		return h, 0
	}
	h.UpdatedAt = r.time(0, "updated_at")
	h.CreatedAt = r.time(h.UpdatedAt.Unix(), "created_at")
	h.Sealed = present&hasSealed != 0
	return h, present
}

// IsJSON says whether v is a record of the JSON layout of earlier versions.
func IsJSON(v []byte) bool { return len(v) > 0 && v[0] == '{' }

// ReadHead reads a record's head: its times and whether it holds sealed
// personal data. For a JSON record it decodes the record.
func ReadHead(v []byte) (Head, error) {
	if IsJSON(v) {
		// Only the head's fields: the sealed value is not even base64-decoded.
		var r struct {
			UpdatedAt time.Time       `json:"updated_at"`
			CreatedAt time.Time       `json:"created_at"`
			Sealed    json.RawMessage `json:"pii"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return Head{}, fmt.Errorf("%w: %w", ErrDamaged, err)
		}
		sealed := len(r.Sealed) > 0 && string(r.Sealed) != "null" && string(r.Sealed) != `""`
		return Head{UpdatedAt: r.UpdatedAt, CreatedAt: r.CreatedAt, Sealed: sealed}, nil
	}
	rd := reader{b: v}
	h, _ := rd.head()
	return h, rd.err
}

// Decoder decodes records, keeping one copy of the strings that repeat
// from order to order (status, city, region, country, SKU). Not safe for
// concurrent use.
type Decoder struct {
	strs map[string]string
}

// maxInterned bounds a Decoder's table: cities are many, but not that many;
// past it, strings are copied as any other.
const maxInterned = 1 << 14

func (d *Decoder) intern(b []byte) string {
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if d.strs == nil {
		d.strs = make(map[string]string)
	}
	if len(d.strs) < maxInterned {
		d.strs[s] = s
	}
	return s
}

// Decode reads a record (binary or JSON) of the order whose key is key
// into r, replacing what r held. Sealed aliases v: copy it to keep it
// past the transaction that read v.
func (d *Decoder) Decode(key, v []byte, r *Record) error {
	*r = Record{}
	if IsJSON(v) {
		if err := json.Unmarshal(v, r); err != nil {
			return fmt.Errorf("%w: %w", ErrDamaged, err)
		}
		return nil
	}
	rd := reader{b: v}
	h, present := rd.head()
	o := &r.Order
	o.ID, o.UpdatedAt, o.CreatedAt = string(key), h.UpdatedAt, h.CreatedAt
	if present&hasPurged != 0 {
		r.Purged = rd.time(0, "pii_purged")
	}
	for i, s := range strs(o) {
		bit := uint64(1) << i
		if present&bit == 0 {
			continue
		}
		b := rd.bytes("a text field")
		if bit&interned != 0 {
			*s = d.intern(b)
		} else {
			*s = string(b)
		}
	}
	n := rd.uvarint("item count")
	// Every item takes at least four bytes: a count past that is damage,
	// not a reason to allocate.
	if n > uint64(len(rd.b)/4) {
		rd.fail("item count runs past the record's end")
	}
	if rd.err == nil && n > 0 {
		o.Items = make([]datasources.Item, n)
	}
	for i := range o.Items {
		it := &o.Items[i]
		f := rd.uvarint("item flags")
		if f&^itemAll != 0 {
			rd.fail(fmt.Sprintf("item %d: unknown flags %#x", i, f))
		}
		if f&itemID != 0 {
			it.ID = string(rd.bytes("item id"))
		}
		it.SKU = d.intern(rd.bytes("sku"))
		it.Quantity = int(rd.varint("quantity"))
		it.Price = datasources.Money(rd.varint("price"))
		it.Cancelled = f&itemCancelled != 0
		if rd.err != nil {
			break
		}
	}
	if present&hasSealed != 0 {
		r.Sealed = rd.bytes("sealed personal data")
	}
	if rd.err == nil && len(rd.b) > 0 {
		rd.fail(fmt.Sprintf("%d bytes past the record's end", len(rd.b)))
	}
	if rd.err != nil {
		*r = Record{}
		return rd.err
	}
	return nil
}
