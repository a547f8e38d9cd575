package rules

import "unicode"

// foldTable maps Latin letters with diacritics (Vietnamese included) to
// their base letter, lower case: "Phường" is read as "phuong", "Parañaque"
// as "paranaque". Letters of other scripts are kept, lower case.
var foldTable = func() map[rune]byte {
	m := map[rune]byte{}
	for base, letters := range map[byte]string{
		'a': "àáâãäåāăąạảấầẩẫậắằẳẵặǎÀÁÂÃÄÅĀĂĄẠẢẤẦẨẪẬẮẰẲẴẶǍæÆ",
		'c': "çćĉċčÇĆĈĊČ",
		'd': "đďðĐĎÐ",
		'e': "èéêëēĕėęěẹẻẽếềểễệÈÉÊËĒĔĖĘĚẸẺẼẾỀỂỄỆ",
		'g': "ĝğġģĜĞĠĢ",
		'h': "ĥħĤĦ",
		'i': "ìíîïĩīĭįıịỉÌÍÎÏĨĪĬĮİỊỈ",
		'j': "ĵĴ",
		'k': "ķĶ",
		'l': "ĺļľŀłĹĻĽĿŁ",
		'n': "ñńņňÑŃŅŇ",
		'o': "òóôõöøōŏőơọỏốồổỗộớờởỡợÒÓÔÕÖØŌŎŐƠỌỎỐỒỔỖỘỚỜỞỠỢœŒ",
		'r': "ŕŗřŔŖŘ",
		's': "śŝşšșßŚŜŞŠȘ",
		't': "ţťŧțŢŤŦȚ",
		'u': "ùúûüũūŭůűųưụủứừửữựÙÚÛÜŨŪŬŮŰŲƯỤỦỨỪỬỮỰ",
		'w': "ŵŴ",
		'y': "ýÿŷỳỵỷỹÝŸŶỲỴỶỸ",
		'z': "źżžŹŻŽ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// foldRune appends r folded: ASCII letters lower case, Latin letters with
// diacritics as their base letter, other letters lower case. It reports
// whether r was a letter.
func foldRune(dst []byte, r rune) ([]byte, bool) {
	switch {
	case r >= 'a' && r <= 'z':
		return append(dst, byte(r)), true
	case r >= 'A' && r <= 'Z':
		return append(dst, byte(r)+'a'-'A'), true
	case r < 0x80:
		return dst, false
	}
	if b, ok := foldTable[r]; ok {
		return append(dst, b), true
	}
	if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
		return append(dst, string(unicode.ToLower(r))...), true
	}
	return dst, false
}

// skeleton is the spelling of a name that sloppy typing, old spellings and
// transliteration do not change: "Soepomo" and "Supomo", "Tjikini" and
// "Cikini", "Bessar" and "Besar", "Huay Kaew" and "Huai Kaeo",
// "Phaholyothin" and "Paholyothin" all keep one skeleton. Letters and
// digits are kept, other bytes become single spaces.
func skeleton(s string) string { return string(appendSkeleton(nil, s)) }

func appendSkeleton[S ~string | ~[]byte](dst []byte, s S) []byte {
	start := len(dst)
	var prev byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		isAlnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
		if !isAlnum {
			if len(dst) > start && dst[len(dst)-1] != ' ' {
				dst = append(dst, ' ')
			}
			prev = 0
			continue
		}
		var next byte
		if i+1 < len(s) {
			next = s[i+1] | 0x20
		}
		switch {
		case c == 'h' && (prev == 'c' || prev == 'k' || prev == 'p' || prev == 't' || prev == 'g' || prev == 'b' || prev == 'd'):
			continue // kh, ph, th: transliterations write the h or not
		case c == 'o' && next == 'e':
			c = 'u' // oe → u (Soepomo)
			i++
		case c == 'd' && next == 'j':
			c = 'j' // dj → j (Djuanda)
			i++
		case c == 't' && next == 'j':
			c = 'c' // tj → c (Tjikini)
			i++
		case c == 'y':
			c = 'i'
		case c == 'w':
			c = 'u'
		}
		if c == prev && c >= 'a' && c <= 'z' {
			continue // doubled letters count once
		}
		dst = append(dst, c)
		prev = c
	}
	if len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}
