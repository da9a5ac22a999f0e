package soap

import (
	"embed"
	"net/http"
	"strings"
)

// The service descriptions, served with the endpoint's own address in them.
//
//go:embed tracelink.wsdl tracelink-1.xsd tracelink-2.xsd sap.wsdl
var descriptions embed.FS

// The files of each service, by the query that asks for them.
var (
	traceLinkFiles = map[string]string{"wsdl": "tracelink.wsdl", "xsd=1": "tracelink-1.xsd", "xsd=2": "tracelink-2.xsd"}
	sapFiles       = map[string]string{"wsdl": "sap.wsdl"}
)

// serveDescription answers GET ?wsdl, ?xsd=N with the file files names, with
// {{address}} replaced by this endpoint's address; false for any other query.
func serveDescription(w http.ResponseWriter, r *http.Request, files map[string]string) bool {
	name, ok := files[strings.ToLower(r.URL.RawQuery)]
	if !ok {
		return false
	}
	b, err := descriptions.ReadFile(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return true
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Write([]byte(strings.ReplaceAll(string(b), "{{address}}", baseURL(r))))
	return true
}
