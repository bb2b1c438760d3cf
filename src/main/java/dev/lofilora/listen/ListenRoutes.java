package dev.lofilora.listen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.lofilora.common.LofiException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every route of the listening server, and nothing else: an allowlist of exact paths and methods, matched on the
 * raw (undecoded) path, so {@code ..}, {@code %2e%2e}, encoded slashes or any other spelling is simply an unknown
 * route (404). Clip files are never named by a request: a trial number and a side select a file fixed when the
 * session was planned, and its real path is checked to be inside its folder before every read.
 *
 * <p>Also refused: another Host than 127.0.0.1/localhost on this port (DNS rebinding), a cross-origin or non-JSON
 * POST (another web page cannot post answers), a query string, a request body on GET, a body over
 * {@value #MAX_BODY} bytes (413), a URI over {@value #MAX_URI} characters (414), an unknown trial (404) and a
 * second answer to a trial (409).
 */
final class ListenRoutes implements HttpHandler {
    static final int MAX_BODY = 16 * 1024;
    static final int MAX_URI = 1024;
    static final int MAX_COMMENT = 2000;
    private static final String TRIAL_NUMBER = "([1-9][0-9]{0,5})";
    private static final Pattern TRIAL = Pattern.compile("/api/trial/" + TRIAL_NUMBER);
    private static final Pattern AUDIO = Pattern.compile("/api/trial/" + TRIAL_NUMBER + "/audio/([AB])");
    private static final Pattern ANSWER = Pattern.compile("/api/trial/" + TRIAL_NUMBER + "/answer");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; media-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(String type, byte[] bytes) {}

    private final ListenSession session;
    private final Set<String> hosts;
    private final Set<String> origins;
    private final Runnable onAnswered;
    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final Map<String, byte[]> renditions = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) { return size() > 2; }
    };

    ListenRoutes(ListenSession session, int port, Runnable onAnswered) {
        this.session = session;
        this.hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
        this.origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port);
        this.onAnswered = onAnswered;
        assets.put("/", asset("index.html", "text/html; charset=utf-8"));
        assets.put("/listen.js", asset("listen.js", "text/javascript; charset=utf-8"));
        assets.put("/listen.css", asset("listen.css", "text/css; charset=utf-8"));
    }

    private static Asset asset(String name, String type) {
        try (InputStream in = ListenRoutes.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the build lacks the page resource " + name);
            return new Asset(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange ex) {
        boolean answered = false;
        try {
            answered = route(ex);
        } catch (ListenSession.Refused r) {
            error(ex, r.status, r.getMessage());
        } catch (Exception e) {
            System.err.println("lofi listen: " + ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + " failed: " + e);
            error(ex, 500, "the server failed: " + e.getMessage());
        } finally {
            ex.close();
            if (answered) onAnswered.run();
        }
    }

    /** Dispatches one request; true when it recorded an answer. */
    private boolean route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String rawUri = ex.getRequestURI().toString();
        if (rawUri.length() > MAX_URI) throw new ListenSession.Refused(414, "the request URI is too long");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !hosts.contains(host)) {
            throw new ListenSession.Refused(421, "this server answers only requests for 127.0.0.1 or localhost on its port");
        }
        String path = ex.getRequestURI().getRawPath();
        if (ex.getRequestURI().getRawQuery() != null || ex.getRequestURI().getRawFragment() != null) {
            throw new ListenSession.Refused(400, "no route takes a query string");
        }
        Matcher m;
        if (assets.containsKey(path)) {
            allow(ex, "GET");
            Asset a = assets.get(path);
            send(ex, 200, a.type(), a.bytes());
        } else if (path.equals("/api/session")) {
            allow(ex, "GET");
            sendJson(ex, 200, sessionJson());
        } else if (path.equals("/api/reveal")) {
            allow(ex, "GET");
            if (!session.complete()) throw new ListenSession.Refused(409, "the systems are revealed when every trial is answered");
            sendJson(ex, 200, reveal());
        } else if ((m = TRIAL.matcher(path)).matches()) {
            allow(ex, "GET");
            int n = trial(m.group(1));
            ObjectNode o = ScoresFile.MAPPER.createObjectNode();
            o.put("trial", n).put("trials", session.trials()).put("answered", session.answered(n));
            o.putObject("audio").put("A", "/api/trial/" + n + "/audio/A").put("B", "/api/trial/" + n + "/audio/B");
            sendJson(ex, 200, o);
        } else if ((m = AUDIO.matcher(path)).matches()) {
            allow(ex, "GET");
            int n = trial(m.group(1));
            send(ex, 200, "audio/wav", rendition(n, m.group(2).equals("A")));
        } else if ((m = ANSWER.matcher(path)).matches()) {
            allow(ex, "POST");
            int n = trial(m.group(1));
            if (session.answered(n)) throw new ListenSession.Refused(409, "trial " + n + " is already answered");
            RatingRecord r = session.answer(n, parseAnswer(ex));
            ObjectNode o = sessionJson().put("trial", r.trial());
            if (session.complete()) o.set("reveal", reveal());
            sendJson(ex, 200, o);
            return true;
        } else {
            throw new ListenSession.Refused(404, "no such page");
        }
        return false;
    }

    /** Refuses another method (405 with Allow), a body on GET, and a cross-origin or non-JSON POST. */
    private void allow(HttpExchange ex, String method) {
        if (!ex.getRequestMethod().equals(method)) {
            ex.getResponseHeaders().set("Allow", method);
            throw new ListenSession.Refused(405, "only " + method + " is allowed here");
        }
        var h = ex.getRequestHeaders();
        if (method.equals("GET")) {
            String len = h.getFirst("Content-Length");
            if (h.containsKey("Transfer-Encoding") || (len != null && !len.strip().equals("0"))) {
                throw new ListenSession.Refused(400, "a GET request has no body");
            }
            return;
        }
        String origin = h.getFirst("Origin");
        if (origin != null && !origins.contains(origin)) {
            throw new ListenSession.Refused(403, "answers are accepted only from this server's own page");
        }
        String type = h.getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ListenSession.Refused(415, "an answer is sent as application/json");
        }
    }

    private int trial(String digits) {
        int n = Integer.parseInt(digits);
        if (!session.hasTrial(n)) throw new ListenSession.Refused(404, "no trial " + n + " in this session (it has " + session.trials() + ")");
        return n;
    }

    private ListenSession.Answer parseAnswer(HttpExchange ex) throws IOException {
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            long declared;
            try {
                declared = Long.parseLong(len.strip());
            } catch (NumberFormatException e) {
                throw new ListenSession.Refused(400, "bad Content-Length");
            }
            if (declared > MAX_BODY) throw new ListenSession.Refused(413, "an answer is at most " + MAX_BODY + " bytes");
        }
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) throw new ListenSession.Refused(413, "an answer is at most " + MAX_BODY + " bytes");
        ListenSession.Answer a;
        try {
            a = ScoresFile.MAPPER.readValue(body, ListenSession.Answer.class);
        } catch (JsonProcessingException e) {
            throw new ListenSession.Refused(400, "the answer is not valid: " + e.getOriginalMessage());
        }
        if (a == null || a.choice() == null) throw new ListenSession.Refused(400, "the answer has no choice");
        if (a.comment() != null && a.comment().length() > MAX_COMMENT) {
            throw new ListenSession.Refused(400, "a comment is at most " + MAX_COMMENT + " characters");
        }
        if (a.plays() == null || a.listeningSeconds() == null || a.answerSeconds() == null
                || !count(a.plays().a()) || !count(a.plays().b()) || !seconds(a.listeningSeconds().a())
                || !seconds(a.listeningSeconds().b()) || !seconds(a.answerSeconds())) {
            throw new ListenSession.Refused(400, "plays (0..100000 per side), listening_seconds and answer_seconds (0..86400) are needed");
        }
        return a;
    }

    private static boolean count(int n) { return n >= 0 && n <= 100_000; }

    private static boolean seconds(double s) { return s >= 0 && s <= 86_400; }

    private byte[] rendition(int n, boolean left) throws IOException {
        String key = n + (left ? "A" : "B");
        synchronized (renditions) {
            byte[] cached = renditions.get(key);
            if (cached != null) return cached;
        }
        Path file = session.file(n, left);
        if (file == null) {
            throw new ListenSession.Refused(404, "the clip of trial " + n + " side " + (left ? "A" : "B")
                    + " is no longer a file inside its folder");
        }
        SessionRecord.TrialRecord t = session.trial(n);
        byte[] bytes;
        try {
            bytes = ClipAudio.wavBytes(ClipAudio.read(file, t.pair(), left ? t.left() : t.right()),
                    left ? t.leftGainDb() : t.rightGainDb());
        } catch (LofiException e) {
            throw new ListenSession.Refused(500, "the clip of trial " + n + " side " + (left ? "A" : "B") + " cannot be read");
        }
        synchronized (renditions) {
            renditions.put(key, bytes);
        }
        return bytes;
    }

    /** Session progress; nothing in it names a system, a folder or a clip. */
    private ObjectNode sessionJson() {
        ObjectNode o = ScoresFile.MAPPER.createObjectNode();
        int next = session.nextTrial();
        o.put("session", session.record().session()).put("rater", session.record().rater())
                .put("trials", session.trials()).put("answered", session.answered()).put("complete", session.complete());
        if (next == 0) o.putNull("next_trial");
        else o.put("next_trial", next);
        return o;
    }

    private ObjectNode reveal() {
        ObjectNode o = ScoresFile.MAPPER.createObjectNode();
        o.put("session", session.record().session());
        ArrayNode trials = o.putArray("trials");
        List<RatingRecord> answers = session.answers();
        for (RatingRecord r : answers) {
            trials.addObject().put("trial", r.trial()).put("pair", r.pair()).put("A", r.left().system())
                    .put("B", r.right().system()).put("choice", r.choice().id()).put("answer", r.choice().label())
                    .put("preferred", r.preferred());
        }
        return o;
    }

    private void sendJson(HttpExchange ex, int status, ObjectNode o) throws IOException {
        send(ex, status, "application/json; charset=utf-8", ScoresFile.MAPPER.writeValueAsBytes(o));
    }

    private void error(HttpExchange ex, int status, String message) {
        try {
            ObjectNode o = ScoresFile.MAPPER.createObjectNode().put("error", message).put("status", status);
            sendJson(ex, status, o);
        } catch (IOException | RuntimeException ignored) {
            // the client is gone or the response was already started; nothing more to tell it
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Content-Security-Policy", CSP);
        boolean head = ex.getRequestMethod().equals("HEAD"); // only ever answered 405, and without a body
        ex.sendResponseHeaders(status, body.length == 0 || head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) out.write(body);
        }
    }
}
