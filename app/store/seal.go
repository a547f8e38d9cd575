package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sync"

	"github.com/flashdeck/flashdeck/datasources"
)

// What of an order identifies its buyer, and is therefore never written
// in clear: the buyer's account id, phone, recipient name, the street
// lines and post code of the shipping address (in Indonesia the second
// line is the RT/RW that finds the house), and the payment instrument's
// fingerprint. City, region and country stay readable: they locate a
// crowd, not a house, and nothing else in an order (ids, times, status,
// SKUs, quantities, prices) is about the person.
type personal struct {
	BuyerID, Phone, Name, Line1, Line2, PostCode, PaymentFP string
}

// take moves an order's personal data out of it, leaving it without any.
func take(o *datasources.Order) personal {
	p := personal{
		BuyerID: o.BuyerID, Phone: o.Phone, Name: o.Address.Name, Line1: o.Address.Line1,
		Line2: o.Address.Line2, PostCode: o.Address.PostCode, PaymentFP: o.PaymentFingerprint,
	}
	o.BuyerID, o.Phone, o.PaymentFingerprint = "", "", ""
	o.Address.Name, o.Address.Line1, o.Address.Line2, o.Address.PostCode = "", "", "", ""
	return p
}

// put gives an order its personal data back.
func (p *personal) put(o *datasources.Order) {
	o.BuyerID, o.Phone, o.PaymentFingerprint = p.BuyerID, p.Phone, p.PaymentFP
	o.Address.Name, o.Address.Line1, o.Address.Line2, o.Address.PostCode = p.Name, p.Line1, p.Line2, p.PostCode
}

func (p *personal) empty() bool { return *p == personal{} }

func (p *personal) fields() [7]*string {
	return [7]*string{&p.BuyerID, &p.Phone, &p.Name, &p.Line1, &p.Line2, &p.PostCode, &p.PaymentFP}
}

// plainFormat heads the plaintext: the fields in the order of fields(),
// each as a uvarint length and its bytes. A later format may add fields
// at the end; an older reader ignores them.
const plainFormat = 1

func (p *personal) encode(dst []byte) []byte {
	dst = append(dst, plainFormat)
	for _, f := range p.fields() {
		dst = binary.AppendUvarint(dst, uint64(len(*f)))
		dst = append(dst, *f...)
	}
	return dst
}

var errGarbled = errors.New("personal data does not decode")

func (p *personal) decode(b []byte) error {
	if len(b) == 0 || b[0] != plainFormat {
		return errGarbled
	}
	// One string for every field: a million orders replayed make a
	// million allocations, not seven million.
	all := string(b[1:])
	for _, f := range p.fields() {
		n, w := binary.Uvarint([]byte(all[:min(len(all), binary.MaxVarintLen64)]))
		if w <= 0 || n > uint64(len(all)-w) {
			return errGarbled
		}
		*f = all[w : w+int(n)]
		all = all[w+int(n):]
	}
	return nil
}

// A sealed value is:
//
//	1 byte   sealFormat
//	4 bytes  the first bytes of the key's id (KeyID), to tell a value
//	         sealed with a key given up as lost from a damaged one
//	12 bytes a random nonce, drawn for this value alone
//	rest     AES-256-GCM of the plaintext, with its 16-byte tag
//
// The channel and the order id are the additional data: a value moved to
// another order does not open.
const (
	sealFormat = 1
	idLen      = 4
	headLen    = 1 + idLen
)

// sealer seals and opens personal data with one key. Safe for concurrent use.
type sealer struct {
	aead cipher.AEAD
	id   [idLen]byte
	hex  string // KeyID of the key
}

func newSealer(key []byte) (*sealer, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	s := &sealer{aead: g, hex: KeyID(key)}
	id, _ := hex.DecodeString(s.hex)
	copy(s.id[:], id)
	return s, nil
}

// scratch holds a plaintext and its additional data while they are
// sealed or opened (through the AEAD interface they would escape to the
// heap on every call).
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// aad is the additional data of an order's sealed value.
func aad(dst []byte, channel, orderID string) []byte {
	dst = append(dst, channel...)
	dst = append(dst, 0)
	return append(dst, orderID...)
}

// seal encrypts an order's personal data (nil when it has none).
func (s *sealer) seal(channel, orderID string, p *personal) ([]byte, error) {
	if p.empty() {
		return nil, nil
	}
	sp := scratch.Get().(*[]byte)
	defer scratch.Put(sp)
	buf := p.encode((*sp)[:0])
	n := len(buf)
	buf = aad(buf, channel, orderID)
	*sp = buf[:0]
	plain, ad := buf[:n], buf[n:]
	ns := s.aead.NonceSize()
	out := make([]byte, headLen+ns, headLen+ns+len(plain)+s.aead.Overhead())
	out[0] = sealFormat
	copy(out[1:], s.id[:])
	nonce := out[headLen : headLen+ns]
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = s.aead.Seal(out, nonce, plain, ad)
	clear(plain)
	return out, nil
}

// Why a sealed value does not open.
var (
	// errOtherKey: sealed with a key given up as lost.
	errOtherKey = errors.New("sealed with another data key")
	// errDamaged: sealed with this key, but altered since (or moved from
	// another order): authentication fails, nothing is made up.
	errDamaged = errors.New("sealed personal data is damaged")
)

// open decrypts a sealed value.
func (s *sealer) open(channel, orderID string, v []byte, p *personal) error {
	ns := s.aead.NonceSize()
	if len(v) < headLen+ns+s.aead.Overhead() || v[0] != sealFormat {
		return errDamaged
	}
	if [idLen]byte(v[1:headLen]) != s.id {
		return errOtherKey
	}
	sp := scratch.Get().(*[]byte)
	defer scratch.Put(sp)
	buf := aad((*sp)[:0], channel, orderID)
	*sp = buf[:0]
	n := len(buf)
	plain, err := s.aead.Open(buf[n:n], v[headLen:headLen+ns], v[headLen+ns:], buf[:n])
	if err != nil {
		return errDamaged
	}
	err = p.decode(plain)
	clear(plain)
	if err != nil {
		return errDamaged
	}
	return nil
}
