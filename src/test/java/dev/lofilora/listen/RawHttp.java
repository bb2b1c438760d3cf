package dev.lofilora.listen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, so tests send request lines exactly as written ({@code ..}, {@code %2e%2e}, any
 * method, any Host) where an HTTP client would normalise or refuse them.
 */
record RawHttp(int status, String head, byte[] body) {
    static RawHttp get(int port, String path) throws IOException {
        return send(port, "GET", path, "127.0.0.1:" + port, null, null, null);
    }

    static RawHttp postJson(int port, String path, String json) throws IOException {
        return send(port, "POST", path, "127.0.0.1:" + port, "http://127.0.0.1:" + port, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static RawHttp send(int port, String method, String path, String host, String origin, String type, byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (host != null) req.append("Host: ").append(host).append("\r\n");
            if (origin != null) req.append("Origin: ").append(origin).append("\r\n");
            if (type != null) req.append("Content-Type: ").append(type).append("\r\n");
            if (body != null) req.append("Content-Length: ").append(body.length).append("\r\n");
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException refusedEarly) {
                    // the server may answer (413) and close before reading a large body
                }
            }
            out.flush();
            return parse(s.getInputStream());
        }
    }

    private static RawHttp parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (IOException reset) {
            // a server closing after an early answer may reset the connection; keep what arrived
        }
        byte[] b = all.toByteArray();
        int split = -1;
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') { split = i; break; }
        }
        if (split < 0) throw new IOException("no HTTP response: " + new String(b, StandardCharsets.ISO_8859_1));
        String head = new String(b, 0, split, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        byte[] body = Arrays.copyOfRange(b, split + 4, b.length);
        if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) body = dechunk(body);
        return new RawHttp(status, head, body);
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        while (p < b.length) {
            int eol = p;
            while (eol + 1 < b.length && !(b[eol] == '\r' && b[eol + 1] == '\n')) eol++;
            int len = Integer.parseInt(new String(b, p, eol - p, StandardCharsets.ISO_8859_1).trim(), 16);
            if (len == 0) break;
            out.write(b, eol + 2, len);
            p = eol + 2 + len + 2;
        }
        return out.toByteArray();
    }

    String text() { return new String(body, StandardCharsets.UTF_8); }

    String header(String name) {
        for (String line : head.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) return line.substring(c + 1).strip();
        }
        return null;
    }
}
