package dev.lofilora.listen;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ListenSummaryTest {
    private static final String T0 = "2025-01-01T10:00:00Z";

    /** A session of {@code outcomes} between x (always left) and y; '+' x better, '-' y better, '=' same, '0' none. */
    private static List<Object> session(String id, String rater, String x, String y, String outcomes, String... pairs) {
        List<SessionRecord.TrialRecord> trials = new ArrayList<>();
        List<RatingRecord> ratings = new ArrayList<>();
        for (int i = 0; i < outcomes.length(); i++) {
            String pair = pairs.length > 0 ? pairs[i] : "p" + i;
            boolean xLeft = i % 2 == 0; // alternate sides: the summary must orient answers by system, not by side
            String left = xLeft ? x : y, right = xLeft ? y : x;
            trials.add(new SessionRecord.TrialRecord(i + 1, pair, left, right, 0, 0));
            char o = outcomes.charAt(i);
            Choice c = switch (o) {
                case '+' -> xLeft ? Choice.LEFT_BETTER : Choice.RIGHT_BETTER;
                case '*' -> xLeft ? Choice.LEFT_MUCH_BETTER : Choice.RIGHT_MUCH_BETTER;
                case '-' -> xLeft ? Choice.RIGHT_BETTER : Choice.LEFT_BETTER;
                case '=' -> Choice.SAME;
                default -> Choice.NO_PREFERENCE;
            };
            ratings.add(new RatingRecord(id, rater, "2025-01-01T10:00:" + String.format("%02d", i) + "Z", i + 1, pair,
                    new RatingRecord.SideRecord(left, 1, 2.0), new RatingRecord.SideRecord(right, 1, 2.0), c,
                    RatingRecord.preferredBy(c, left, right), RatingRecord.strengthOf(c), "", 5.0));
        }
        SessionRecord s = new SessionRecord(id, rater, T0, 1, new SessionRecord.SystemRecord(x, "/x"),
                new SessionRecord.SystemRecord(y, "/y"), -14, trials);
        return List.of(s, ratings);
    }

    @SuppressWarnings("unchecked")
    private static ScoresDocument doc(List<Object>... sessions) {
        ScoresDocument d = ScoresDocument.empty();
        for (List<Object> s : sessions) {
            d = d.plus((SessionRecord) s.get(0));
            for (RatingRecord r : (List<RatingRecord>) s.get(1)) d = d.plus(r);
        }
        ScoresFile.validate(Path.of("test.json"), d);
        return d;
    }

    @Test
    void winRateWilsonIntervalAndSignTestMatchHandComputedValues() {
        // base beats lora 7 times, loses 3, 2 ties, 1 no preference.
        SummaryResult r = ListenSummary.of(doc(session("s1", "ann", "base", "lora", "+++*+++---==0")), Path.of("q.json"));
        PairStats p = r.pairs().get(0);
        assertEquals("base", p.system());
        assertEquals("lora", p.other());
        assertEquals(13, p.trials());
        assertEquals(7, p.wins());
        assertEquals(3, p.losses());
        assertEquals(2, p.same());
        assertEquals(1, p.noPreference());
        assertEquals(10, p.decisive());
        assertEquals(0.7, p.winRate(), 1e-12);
        // Wilson, n = 10, p̂ = 0.7, z = 1.959964 (z² = 3.841459): centre (0.7 + z²/20) / (1 + z²/10) = 0.644493,
        // half-width z·sqrt(0.021 + z²/400) / (1 + z²/10) = 0.247715 -> [0.396778, 0.892209] (to 1e-6)
        assertEquals(0.396778, p.ciLow(), 1e-6);
        assertEquals(0.892209, p.ciHigh(), 1e-6);
        // sign test: 2·P(X ≥ 7 | n = 10, ½) = 2·(120 + 45 + 10 + 1)/1024 = 0.34375
        assertEquals(0.34375, p.signTestP(), 1e-12);
        // 5-point mean over the 12 trials with a preference: (6·1 + 2 − 3)/12 = 5/12
        assertEquals(5.0 / 12, p.meanScore(), 1e-12);
        assertEquals(13, r.trials());
        assertEquals(10, r.decisive());
        assertNull(r.bradleyTerry(), "two systems: no Bradley–Terry");
        assertEquals(1, r.completeSessions());
    }

    @Test
    void bradleyTerryOnThreeSystemsMatchesTheClosedFormSolution() {
        // Wins generated to be exactly consistent with strengths 4 : 2 : 1 (P(i beats j) = p_i / (p_i + p_j)):
        // a-b 2:1 (= 4/6), b-c 2:1 (= 2/3), a-c 4:1 (= 4/5). Then p = (4, 2, 1)/7 solves the likelihood equations
        // W_i = Σ_j n_ij·p_i/(p_i + p_j): a: 3·4/6 + 5·4/5 = 6 = 2 + 4; b: 3·2/6 + 3·2/3 = 3 = 1 + 2; c: 1 + 1 = 2.
        SummaryResult r = ListenSummary.of(doc(
                session("s1", "ann", "a", "b", "++-"),
                session("s2", "ann", "b", "c", "++-"),
                session("s3", "ann", "a", "c", "++++-")), Path.of("q.json"));
        SummaryResult.Strengths bt = r.bradleyTerry();
        assertNull(bt.note());
        assertEquals(List.of("a", "b", "c"), bt.systems().stream().map(SummaryResult.Strength::system).toList());
        assertEquals(4.0 / 7, bt.systems().get(0).strength(), 1e-9);
        assertEquals(2.0 / 7, bt.systems().get(1).strength(), 1e-9);
        assertEquals(1.0 / 7, bt.systems().get(2).strength(), 1e-9);
        // log strengths centred on their mean: ln 4 − (ln 4 + ln 2 + ln 1)/3 = ln 2
        assertEquals(Math.log(2), bt.systems().get(0).logStrength(), 1e-9);
        assertEquals(6, bt.systems().get(0).wins());
        assertEquals(2, bt.systems().get(0).losses());
        assertEquals(3, r.pairs().size());
    }

    @Test
    void bradleyTerryExplainsWhenNoEstimateExists() {
        SummaryResult r = ListenSummary.of(doc(
                session("s1", "ann", "a", "b", "++"),
                session("s2", "ann", "b", "c", "+-")), Path.of("q.json"));
        assertTrue(r.bradleyTerry().systems().isEmpty());
        assertTrue(r.bradleyTerry().note().contains("a never lost"), r.bradleyTerry().note());
    }

    @Test
    void krippendorffAlphaMatchesTheHandComputedCoincidenceMatrix() {
        // Items u1..u4 on base vs lora; values X = base better, Y = lora better, S = same:
        // u1: X X X (3 raters), u2: X Y, u3: S S Y, u4: Y Y (and r3's "no preference" on u4 is missing).
        // Coincidences: o_XX = 6/2 = 3, o_XY = o_YX = 1, o_SS = 2/2 = 1, o_SY = o_YS = 2/2 = 1, o_YY = 2;
        // n_X = 4, n_Y = 4, n_S = 2, n = 10; alpha = 1 − 9·4 / (2·(16 + 8 + 8)) = 1 − 36/64 = 0.4375.
        SummaryResult r = ListenSummary.of(doc(
                session("s1", "r1", "base", "lora", "++=-", "u1", "u2", "u3", "u4"),
                session("s2", "r2", "base", "lora", "+-=-", "u1", "u2", "u3", "u4"),
                session("s3", "r3", "base", "lora", "+-0", "u1", "u3", "u4")), Path.of("q.json"));
        Agreement g = r.agreement();
        assertEquals(0.4375, g.alpha(), 1e-12);
        assertEquals(4, g.items());
        assertEquals(3, g.raters());
        assertEquals(10, g.values());
        // pairwise agreement: u1 3/3, u2 0/1, u3 1/3, u4 1/1 -> 5/8
        assertEquals(5.0 / 8, g.percentAgreement(), 1e-12);
        assertTrue(g.statistic().startsWith("Krippendorff's alpha, nominal"));
    }

    @Test
    void agreementIsUndefinedWithOneRater() {
        Agreement g = ListenSummary.of(doc(session("s1", "ann", "a", "b", "+-+")), Path.of("q.json")).agreement();
        assertNull(g.alpha());
        assertEquals(0, g.items());
        assertNull(g.percentAgreement());
    }

    @Test
    void latestAnswerOfARaterCountsForAgreement() {
        Map<String, Map<String, Integer>> t = Agreement.table();
        t.put("u1", new java.util.LinkedHashMap<>(Map.of("r1", 0, "r2", 0)));
        t.put("u2", new java.util.LinkedHashMap<>(Map.of("r1", 2, "r2", 2)));
        assertEquals(1.0, Agreement.of(t).alpha(), 1e-12, "perfect agreement over two categories");
    }
}
