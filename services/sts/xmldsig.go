package sts

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"hash"
	"io"
	"math/big"
	"sort"
	"strings"
)

// XML namespaces and algorithm identifiers of XML Signature.
const (
	nsXML          = "http://www.w3.org/XML/1998/namespace"
	nsDSig         = "http://www.w3.org/2000/09/xmldsig#"
	nsExcC14N      = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algExcC14N     = "http://www.w3.org/2001/10/xml-exc-c14n#"
	algExcC14NWC   = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
	algEnveloped   = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
	algRSASHA1     = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
	algRSASHA256   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
	algRSASHA512   = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	algECDSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
	algSHA1        = "http://www.w3.org/2000/09/xmldsig#sha1"
	algSHA256      = "http://www.w3.org/2001/04/xmlenc#sha256"
	algSHA512      = "http://www.w3.org/2001/04/xmlenc#sha512"
)

// xmlNode is an element of a parsed document, with its namespace prefixes kept
// as written so that it can be canonicalized.
type xmlNode struct {
	prefix, local string
	attrs         []xmlAttr
	nsDecls       map[string]string // prefix ("" for the default namespace) -> URI
	children      []any             // *xmlNode or string (character data)
	parent        *xmlNode
}

type xmlAttr struct{ prefix, local, value string }

// parseXMLTree reads a document into a tree, dropping comments and processing
// instructions (exclusive canonicalization without comments leaves them out).
func parseXMLTree(data []byte) (*xmlNode, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var root, cur *xmlNode
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{prefix: t.Name.Space, local: t.Name.Local, nsDecls: map[string]string{}, parent: cur}
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					n.nsDecls[""] = a.Value
				case a.Name.Space == "xmlns":
					n.nsDecls[a.Name.Local] = a.Value
				default:
					n.attrs = append(n.attrs, xmlAttr{prefix: a.Name.Space, local: a.Name.Local, value: a.Value})
				}
			}
			if cur == nil {
				if root != nil {
					return nil, errors.New("xml: more than one root element")
				}
				root = n
			} else {
				cur.children = append(cur.children, n)
			}
			cur = n
		case xml.EndElement:
			if cur == nil || t.Name.Local != cur.local || t.Name.Space != cur.prefix {
				return nil, errors.New("xml: mismatched end element")
			}
			cur = cur.parent
		case xml.CharData:
			if cur != nil {
				cur.children = append(cur.children, string(t))
			}
		}
	}
	if root == nil || cur != nil {
		return nil, errors.New("xml: incomplete document")
	}
	return root, nil
}

// lookupNS resolves a prefix in the element's scope.
func (n *xmlNode) lookupNS(prefix string) (string, bool) {
	if prefix == "xml" {
		return nsXML, true
	}
	for e := n; e != nil; e = e.parent {
		if uri, ok := e.nsDecls[prefix]; ok {
			return uri, true
		}
	}
	return "", prefix == ""
}

func (n *xmlNode) namespace() string { uri, _ := n.lookupNS(n.prefix); return uri }

func (n *xmlNode) is(ns, local string) bool { return n.local == local && n.namespace() == ns }

func (n *xmlNode) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.prefix == "" && a.local == local {
			return a.value, true
		}
	}
	return "", false
}

func (n *xmlNode) elements() []*xmlNode {
	var out []*xmlNode
	for _, c := range n.children {
		if e, ok := c.(*xmlNode); ok {
			out = append(out, e)
		}
	}
	return out
}

// child returns the first child element with the given name.
func (n *xmlNode) child(ns, local string) *xmlNode {
	for _, e := range n.elements() {
		if e.is(ns, local) {
			return e
		}
	}
	return nil
}

func (n *xmlNode) text() string {
	var b strings.Builder
	for _, c := range n.children {
		if s, ok := c.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// excC14N renders the subtree at n in Exclusive XML Canonicalization 1.0
// (without comments), leaving out the subtree at skip (the enveloped
// signature). inclusive lists the InclusiveNamespaces PrefixList.
func excC14N(n, skip *xmlNode, inclusive []string) []byte {
	var b bytes.Buffer
	writeExcC14N(&b, n, skip, map[string]string{}, inclusive)
	return b.Bytes()
}

func writeExcC14N(b *bytes.Buffer, n, skip *xmlNode, rendered map[string]string, inclusive []string) {
	// Namespaces this element must declare: those it visibly uses (and those of
	// the inclusive list in scope) that no output ancestor declared the same way.
	used := map[string]bool{n.prefix: true}
	for _, a := range n.attrs {
		if a.prefix != "" && a.prefix != "xml" {
			used[a.prefix] = true
		}
	}
	for _, p := range inclusive {
		if p == "#default" {
			p = ""
		}
		if _, ok := n.lookupNS(p); ok {
			used[p] = true
		}
	}
	scope, copied := rendered, false
	var decls []string
	for p := range used {
		uri, _ := n.lookupNS(p)
		prev, had := rendered[p]
		if had && prev == uri || !had && p == "" && uri == "" {
			continue
		}
		if !copied {
			scope, copied = make(map[string]string, len(rendered)+1), true
			for k, v := range rendered {
				scope[k] = v
			}
		}
		scope[p] = uri
		decls = append(decls, p)
	}
	sort.Strings(decls)
	b.WriteByte('<')
	writeQName(b, n.prefix, n.local)
	for _, p := range decls {
		if p == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(` xmlns:` + p + `="`)
		}
		escapeC14NAttr(b, scope[p])
		b.WriteByte('"')
	}
	attrs := append([]xmlAttr(nil), n.attrs...)
	attrNS := func(a xmlAttr) string {
		if a.prefix == "" {
			return ""
		}
		uri, _ := n.lookupNS(a.prefix)
		return uri
	}
	sort.SliceStable(attrs, func(i, j int) bool {
		ni, nj := attrNS(attrs[i]), attrNS(attrs[j])
		if ni != nj {
			return ni < nj
		}
		return attrs[i].local < attrs[j].local
	})
	for _, a := range attrs {
		b.WriteByte(' ')
		writeQName(b, a.prefix, a.local)
		b.WriteString(`="`)
		escapeC14NAttr(b, a.value)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	for _, c := range n.children {
		switch v := c.(type) {
		case string:
			escapeC14NText(b, v)
		case *xmlNode:
			if v != skip {
				writeExcC14N(b, v, skip, scope, inclusive)
			}
		}
	}
	b.WriteString("</")
	writeQName(b, n.prefix, n.local)
	b.WriteByte('>')
}

func writeQName(b *bytes.Buffer, prefix, local string) {
	if prefix != "" {
		b.WriteString(prefix + ":")
	}
	b.WriteString(local)
}

func escapeC14NText(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

func escapeC14NAttr(b *bytes.Buffer, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

var errXMLSignature = errors.New("xmldsig: signature is not valid")

// verifyEnvelopedSignature checks the enveloped ds:Signature child of signed
// against the signer's certificates: the reference must name signed itself, its
// digest must match, and one of certs must have made the signature.
func verifyEnvelopedSignature(signed *xmlNode, certs []*x509.Certificate) error {
	sig := signed.child(nsDSig, "Signature")
	if sig == nil {
		return errors.New("xmldsig: not signed")
	}
	info := sig.child(nsDSig, "SignedInfo")
	value := sig.child(nsDSig, "SignatureValue")
	if info == nil || value == nil {
		return errXMLSignature
	}
	canon := info.child(nsDSig, "CanonicalizationMethod")
	method := info.child(nsDSig, "SignatureMethod")
	if canon == nil || method == nil {
		return errXMLSignature
	}
	if alg, _ := canon.attr("Algorithm"); alg != algExcC14N && alg != algExcC14NWC {
		return errors.New("xmldsig: unsupported canonicalization " + alg)
	}
	var refs []*xmlNode
	for _, e := range info.elements() {
		if e.is(nsDSig, "Reference") {
			refs = append(refs, e)
		}
	}
	id, _ := signed.attr("ID")
	if len(refs) != 1 || id == "" {
		return errXMLSignature
	}
	if uri, _ := refs[0].attr("URI"); uri != "#"+id {
		return errXMLSignature
	}
	if err := checkReferenceDigest(refs[0], signed, sig); err != nil {
		return err
	}
	sigBytes, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(value.text()), ""))
	if err != nil {
		return errXMLSignature
	}
	canonInclusive := inclusivePrefixes(canon)
	signedInfo := excC14N(info, nil, canonInclusive)
	alg, _ := method.attr("Algorithm")
	for _, cert := range certs {
		if verifySignatureValue(cert, alg, signedInfo, sigBytes) {
			return nil
		}
	}
	return errXMLSignature
}

// checkReferenceDigest applies a reference's transforms (enveloped signature,
// exclusive canonicalization) to signed and compares the digest.
func checkReferenceDigest(ref, signed, sig *xmlNode) error {
	var inclusive []string
	if transforms := ref.child(nsDSig, "Transforms"); transforms != nil {
		for _, t := range transforms.elements() {
			switch alg, _ := t.attr("Algorithm"); alg {
			case algEnveloped:
			case algExcC14N, algExcC14NWC:
				inclusive = inclusivePrefixes(t)
			default:
				return errors.New("xmldsig: unsupported transform " + alg)
			}
		}
	}
	dm := ref.child(nsDSig, "DigestMethod")
	dv := ref.child(nsDSig, "DigestValue")
	if dm == nil || dv == nil {
		return errXMLSignature
	}
	alg, _ := dm.attr("Algorithm")
	var h hash.Hash
	switch alg {
	case algSHA1:
		h = sha1.New()
	case algSHA256:
		h = sha256.New()
	case algSHA512:
		h = sha512.New()
	default:
		return errors.New("xmldsig: unsupported digest " + alg)
	}
	h.Write(excC14N(signed, sig, inclusive))
	want, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(dv.text()), ""))
	if err != nil || !bytes.Equal(h.Sum(nil), want) {
		return errXMLSignature
	}
	return nil
}

// inclusivePrefixes reads the ec:InclusiveNamespaces PrefixList of a transform.
func inclusivePrefixes(transform *xmlNode) []string {
	if in := transform.child(nsExcC14N, "InclusiveNamespaces"); in != nil {
		list, _ := in.attr("PrefixList")
		return strings.Fields(list)
	}
	return nil
}

func verifySignatureValue(cert *x509.Certificate, alg string, data, sig []byte) bool {
	var h crypto.Hash
	switch alg {
	case algRSASHA1:
		h = crypto.SHA1
	case algRSASHA256, algECDSASHA256:
		h = crypto.SHA256
	case algRSASHA512:
		h = crypto.SHA512
	default:
		return false
	}
	d := h.New()
	d.Write(data)
	sum := d.Sum(nil)
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return alg != algECDSASHA256 && rsa.VerifyPKCS1v15(pub, h, sum, sig) == nil
	case *ecdsa.PublicKey:
		if alg != algECDSASHA256 || len(sig)%2 != 0 {
			return false
		}
		half := len(sig) / 2
		return ecdsa.Verify(pub, sum, new(big.Int).SetBytes(sig[:half]), new(big.Int).SetBytes(sig[half:]))
	}
	return false
}
