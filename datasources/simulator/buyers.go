package simulator

import (
	"fmt"

	"github.com/flashdeck/flashdeck/datasources"
)

// Buyer is a simulated shopper. Everything is derived from the channel and
// the buyer's number, so it costs no memory per order.
type Buyer struct {
	ID        string
	Name      string
	Phone     string // full number; dialects may mask it as the channel would
	Address   datasources.Address
	PaymentFP string
}

// Ordinary buyers are clean by construction: no two of them, on any channel
// of a scenario, share a phone, a payment fingerprint or an address, even
// after a rules engine normalises the address (case, punctuation, "Jl." for
// "Jalan", "No.", unit noise, a letter after the house number, leading zeros,
// word order). A rules engine that links two ordinary buyers has found a bug
// in itself, not a ring.
//
// Buyer n of the channel at position p in Scenario.Channels has the global
// index g = (the buyer pools of the channels before p) + n, and its phone,
// fingerprint and address are bijections of g:
//
//   - the phone is a 13-digit mobile number: an operator prefix picked by
//     g mod len(mobilePrefixes), then nine digits that permute g's quotient.
//     Scripted buyers (plants) use 12-digit numbers, so they never meet;
//   - the payment fingerprint permutes g on 48 bits; plants draw theirs from
//     indexes at or above reservedFPBase, which ordinary buyers never reach;
//   - the address permutes g within addressSpace and reads the result as a
//     mixed-radix number: street, house number, RT, RW, city. Street and city
//     names share no word and no street's words are a set another street
//     has, so the normalised words still tell every tuple apart. A letter
//     suffix ("12A") is added to some house numbers for realism only: it is
//     noise a normaliser drops, and never what tells two buyers apart.
//     Plants live on streets with a word no ordinary street or city has.
var (
	firstNames = []string{"Ayu", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika", "Lestari", "Made", "Nur", "Putri", "Rizky", "Sari", "Taufik", "Wulan", "Yusuf"}
	lastNames  = []string{"Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Nugroho", "Siregar", "Setiawan", "Halim", "Gunawan", "Lubis"}
	// streets of ordinary buyers, written after "Jl.". No word here is a
	// city word, a single letter or a word a normaliser treats specially.
	streets = []string{
		"Merdeka", "Sudirman", "Gatot Subroto", "Diponegoro", "Ahmad Yani", "Gajah Mada",
		"Pemuda", "Mangga Besar", "Hayam Wuruk", "Imam Bonjol", "Pattimura", "Veteran",
		"Kartini", "Asia Afrika", "Pahlawan", "Teuku Umar",
	}
	cities = []struct{ city, region, post string }{
		{"Jakarta Selatan", "DKI Jakarta", "121"}, {"Jakarta Barat", "DKI Jakarta", "115"},
		{"Jakarta Timur", "DKI Jakarta", "133"}, {"Bandung", "Jawa Barat", "401"},
		{"Surabaya", "Jawa Timur", "602"}, {"Medan", "Sumatera Utara", "201"},
		{"Semarang", "Jawa Tengah", "501"}, {"Bekasi", "Jawa Barat", "171"},
		{"Tangerang", "Banten", "151"}, {"Yogyakarta", "DI Yogyakarta", "552"},
		{"Denpasar", "Bali", "802"}, {"Makassar", "Sulawesi Selatan", "902"},
	}
	// mobilePrefixes are Indonesian operators' mobile prefixes (Telkomsel,
	// Indosat, XL, Tri, Smartfren, Axis).
	mobilePrefixes = []string{
		"0811", "0812", "0813", "0821", "0822", "0823", "0851", "0852", "0853",
		"0814", "0815", "0816", "0855", "0856", "0857", "0858",
		"0817", "0818", "0819", "0859", "0877", "0878",
		"0895", "0896", "0897", "0898", "0899",
		"0881", "0882", "0887", "0831", "0838",
	}
)

const (
	houseNumbers = 240 // 1…240
	rtCount      = 20  // RT 01…20
	rwCount      = 12  // RW 01…12
	// addressMul permutes [0, addressSpace): it must share no factor with
	// addressSpace, whose prime factors are 2, 3 and 5.
	addressMul = 1_000_003
	addressAdd = 4_242_421
	// phoneMul permutes the nine digits after the prefix (coprime to 10).
	phoneMul = 387_420_489
	phoneAdd = 271_828_182
	// reservedFPBase and above are the payment fingerprints of plants.
	reservedFPBase = 1 << 47
)

// addressSpace is how many distinct addresses ordinary buyers can have: the
// most buyers, over all channels of a scenario, that stay unique.
var addressSpace = uint64(len(streets) * houseNumbers * rtCount * rwCount * len(cities))

// buyer derives buyer n of this channel; negative numbers are the
// scripted buyers of plants.
func (b *Book) buyer(n int32) Buyer {
	if n < 0 {
		return b.plantBuyers[-n-1]
	}
	// Names may repeat (they do in life); the hash only varies them.
	h := fnv64(fmt.Sprintf("%s/%d", b.spec.ID, n))
	g := b.gBase + uint64(n)
	return Buyer{
		ID:        fmt.Sprintf("%d", 100000000+uint64(n)*7919%900000000),
		Name:      firstNames[(h>>8)%uint64(len(firstNames))] + " " + lastNames[(h>>16)%uint64(len(lastNames))],
		Phone:     cleanPhone(g),
		Address:   cleanAddress(g, h),
		PaymentFP: paymentFP(g),
	}
}

// cleanPhone is the 13-digit mobile number of ordinary buyer g.
func cleanPhone(g uint64) string {
	np := uint64(len(mobilePrefixes))
	return fmt.Sprintf("%s%09d", mobilePrefixes[g%np], ((g/np)*phoneMul+phoneAdd)%1_000_000_000)
}

// cleanAddress is the address of ordinary buyer g; h only picks details
// that never tell two ordinary buyers apart (suffix letter, post code).
func cleanAddress(g, h uint64) datasources.Address {
	p := (g%addressSpace*addressMul + addressAdd) % addressSpace
	next := func(n int) uint64 {
		d := p % uint64(n)
		p /= uint64(n)
		return d
	}
	street := streets[next(len(streets))]
	house := 1 + next(houseNumbers)
	rt := 1 + next(rtCount)
	rw := 1 + next(rwCount)
	c := cities[next(len(cities))]
	suffix := ""
	if (h>>40)%8 == 0 {
		suffix = string(rune('A' + (h>>44)%4))
	}
	return datasources.Address{
		Line1:    fmt.Sprintf("Jl. %s No. %d%s", street, house, suffix),
		Line2:    fmt.Sprintf("RT %02d/RW %02d", rt, rw),
		City:     c.city,
		Region:   c.region,
		PostCode: fmt.Sprintf("%s%02d", c.post, (h>>50)%40),
		Country:  "Indonesia",
	}
}

// paymentFP is the payment fingerprint of index g: a bijection on 48 bits
// (multiplying by an odd number and xor-shifting are both invertible).
func paymentFP(g uint64) string {
	const mask = 1<<48 - 1
	x := (g*0x9E3779B97F4A7C15 + 0x5851F42D4C95) & mask
	x ^= x >> 23
	x = (x * 0xBF58476D1CE4E5B9) & mask
	x ^= x >> 29
	return fmt.Sprintf("pf_%012x", x)
}

// PlantFP is the payment fingerprint of the k-th scripted payment method: it
// never equals an ordinary buyer's.
func PlantFP(k int) string { return paymentFP(reservedFPBase + uint64(k)) }
