package dev.lofilora.listen;

import com.sun.net.httpserver.HttpServer;
import dev.lofilora.common.LofiException;
import dev.lofilora.common.ProgressListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blind A/B listening server of {@code lofi listen}: one page and its API on 127.0.0.1 only (the JDK's
 * {@code com.sun.net.httpserver}; nothing else to ship or configure). {@link #start} prepares the session (reads
 * and validates the scores file, pairs the clips, plans and loudness-matches the trials), binds the port and
 * serves; every answer is appended to the scores file before the page hears back. {@link #close} stops accepting
 * requests and waits for a request in flight (an answer being written) to finish. Thread-safe.
 */
public final class ListenServer implements AutoCloseable {
    private static final int THREADS = 4;

    private final ListenSession session;
    private final HttpServer http;
    private final ExecutorService pool;
    private final String url;
    private final CountDownLatch completed = new CountDownLatch(1);
    private volatile boolean closed;

    private ListenServer(ListenSession session, HttpServer http, ExecutorService pool) {
        this.session = session;
        this.http = http;
        this.pool = pool;
        this.url = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
        if (session.complete()) completed.countDown();
    }

    /**
     * Opens the session {@code config} describes and starts serving it.
     *
     * @throws LofiException for bad input: no common clip, a clip that is not audio, a corrupt scores file, a port
     *                       in use, a session that cannot be resumed
     */
    public static ListenServer start(ListenConfig config, ProgressListener progress) {
        ListenSession session = ListenSession.open(config, progress);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), config.port()), 16);
        } catch (BindException e) {
            throw new LofiException(null, "port " + config.port() + " on 127.0.0.1 is already in use",
                    "pass another --port, or --port 0 to let the system pick a free one", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a server socket on 127.0.0.1:" + config.port(), e);
        }
        try {
            session.persist();
        } catch (IOException | RuntimeException e) {
            http.stop(0);
            if (e instanceof RuntimeException re) throw re;
            throw new UncheckedIOException("cannot write " + config.scores(), (IOException) e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "lofi-listen-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ListenServer server = new ListenServer(session, http, pool);
        http.createContext("/", new ListenRoutes(session, http.getAddress().getPort(), server::onAnswered));
        http.setExecutor(pool);
        http.start();
        return server;
    }

    private void onAnswered() {
        if (session.complete()) completed.countDown();
    }

    /** The page's address, {@code http://127.0.0.1:<port>/}. */
    public String url() { return url; }

    public int port() { return http.getAddress().getPort(); }

    public String sessionId() { return session.record().session(); }

    /** Waits until every trial is answered; false when {@code timeout} passed first. */
    public boolean awaitCompletion(Duration timeout) throws InterruptedException {
        return completed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Blocks until every trial is answered. */
    public void awaitCompletion() throws InterruptedException {
        completed.await();
    }

    /** The session as it stands now. */
    public ListenResult result() {
        SessionRecord r = session.record();
        return new ListenResult(r.session(), url, r.rater(), r.systemA().id(), r.systemB().id(), session.trials(),
                session.answered(), session.complete(), session.resumed(), session.scores());
    }

    /**
     * Stops the server: no new requests are accepted, a request being handled (an answer being written) finishes
     * first (up to 10 s). Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        http.stop(0);
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
