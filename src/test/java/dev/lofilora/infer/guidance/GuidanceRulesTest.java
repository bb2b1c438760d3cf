package dev.lofilora.infer.guidance;

import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The guidance rules and the interval arithmetic against their definitions (research/acestep.md §5.3). */
class GuidanceRulesTest {
    private static final long[] HW = {-1, -2};

    private static Tensor dot(Tensor a, Tensor b) {
        return a.mul(b).sum(HW, false, new ScalarTypeOptional());                       // [B, C]
    }

    @Test
    void apgAddsOnlyTheClippedComponentOrthogonalToCond() {
        try (PointerScope scope = new PointerScope(); MomentumBuffer mb = new MomentumBuffer()) {
            torch.manual_seed(7);
            Tensor cond = torch.randn(2, 3, 4, 5);
            Tensor uncond = cond.mul(new Scalar(0.5)).add(torch.randn(2, 3, 4, 5));
            Apg apg = new Apg(mb);
            Tensor out = apg.apply(cond, uncond, 15, 0);
            Tensor update = out.sub(cond).div(new Scalar(14));                         // (g − 1)·orth
            double maxDot = Tensors.maxAbs(dot(update, cond));
            assertTrue(maxDot < 1e-4, "orthogonal to cond: " + maxDot);
            // ‖diff‖ is clipped to 2.5 per (b, c), and the orthogonal part is no longer than diff.
            Tensor norms = torch.linalg_vector_norm(update, new Scalar(2), HW, false, new ScalarTypeOptional());
            assertTrue(norms.max().item_double() <= 2.5 + 1e-5, "clipped: " + norms.max().item_double());
        }
    }

    @Test
    void theMomentumBufferAddsMinusThreeQuartersOfThePreviousAverage() {
        try (PointerScope scope = new PointerScope(); MomentumBuffer mb = new MomentumBuffer()) {
            Tensor d1 = torch.randn(1, 2, 3, 4), d2 = torch.randn(1, 2, 3, 4);
            assertNull(mb.runningAverage());
            mb.update(d1);
            assertTrue(Tensors.bitIdentical(mb.runningAverage(), d1), "0 + d1");
            mb.update(d2);
            assertTrue(Tensors.maxAbsDiff(mb.runningAverage(), d2.sub(d1.mul(new Scalar(0.75)))) < 1e-6);
        }
    }

    @Test
    void cfgAndDoubleConditionAreTheirLinearCombinations() {
        try (PointerScope scope = new PointerScope()) {
            Tensor c = torch.randn(2, 2, 3, 4), u = torch.randn(2, 2, 3, 4), t = torch.randn(2, 2, 3, 4);
            Tensor cfg = new Cfg().apply(c, u, 7.5, 3);
            assertTrue(Tensors.maxAbsDiff(cfg, u.add(c.sub(u).mul(new Scalar(7.5)))) < 1e-5);
            Tensor dbl = new DoubleCondition(5.3, 2.7).apply(c, u, t);
            Tensor expected = u.mul(new Scalar(-4.3)).add(t.mul(new Scalar(2.6))).add(c.mul(new Scalar(2.7)));
            assertTrue(Tensors.maxAbsDiff(dbl, expected) < 1e-5);
            // the coefficients sum to 1: equal predictions stay as they are
            assertTrue(Tensors.maxAbsDiff(new DoubleCondition(5.3, 2.7).apply(c, c, c), c) < 1e-5);
            assertTrue(DoubleCondition.enabled(1.5, 1.01));
            assertFalse(DoubleCondition.enabled(0.7, 1.5));
        }
    }

    @Test
    void cfgZeroStarIsZeroUpToZeroStepsAndScalesUncondByTheOptimum() {
        try (PointerScope scope = new PointerScope()) {
            Tensor c = torch.randn(2, 2, 3, 4), u = torch.randn(2, 2, 3, 4);
            CfgZeroStar star = new CfgZeroStar(1, true);
            assertEquals(0.0, Tensors.maxAbs(star.apply(c, u, 15, 0)));
            assertEquals(0.0, Tensors.maxAbs(star.apply(c, u, 15, 1)), "i ≤ zero_steps, not i < zero_steps");
            Tensor out = star.apply(c, u, 15, 2);
            double[] cv = Tensors.toDoubleArray(c), uv = Tensors.toDoubleArray(u), ov = Tensors.toDoubleArray(out);
            int n = cv.length / 2;
            for (int b = 0; b < 2; b++) {
                double dotCu = 0, uu = 0;
                for (int k = b * n; k < (b + 1) * n; k++) { dotCu += cv[k] * uv[k]; uu += uv[k] * uv[k]; }
                double alpha = dotCu / (uu + 1e-8);
                for (int k = b * n; k < (b + 1) * n; k++) {
                    assertEquals(uv[k] * alpha + 15 * (cv[k] - uv[k] * alpha), ov[k], 1e-4);
                }
            }
            assertNotEquals(0.0, Tensors.maxAbs(new CfgZeroStar(1, false).apply(c, u, 15, 0)), "zero-init off");
        }
    }

    @Test
    void theWindowAndTheDecayFollowThePipelinesArithmetic() {
        GuidanceSettings g = GuidanceSettings.aceStepDefaults();
        assertEquals(new GuidanceWindow(15, 45), g.window(60));
        assertEquals(new GuidanceWindow(21, 39), withInterval(g, 0.3, 0).window(60));
        GuidanceSettings decay = withInterval(g, 0.5, 1.0);
        GuidanceWindow w = decay.window(27);
        assertEquals(new GuidanceWindow(6, 20), w);
        assertEquals(15.0, decay.scaleAt(6, w));
        assertEquals(3.0, decay.scaleAt(19, w), 1e-12);
        assertEquals(15 - 12 * (7.0 / 13), decay.scaleAt(13, w), 1e-12);
        assertEquals(15.0, g.scaleAt(30, g.window(60)), "no decay");
        assertTrue(g.guided(15, g.window(60)));
        assertFalse(g.guided(45, g.window(60)));
        assertFalse(g.withScale(1.0).guided(20, g.window(60)), "g = 1 switches guidance off");
        assertFalse(g.withScale(0.0).doClassifierFreeGuidance());
    }

    @Test
    void aOneStepWindowWithDecayIsRefusedLikeThePipelinesZeroDivision() {
        GuidanceSettings decay = withInterval(GuidanceSettings.aceStepDefaults(), 0.5, 1.0);
        assertEquals(new GuidanceWindow(0, 1), decay.window(2));
        LofiException e = assertThrows(LofiException.class, () -> decay.check(2, 2));
        assertTrue(e.getMessage().contains("ZeroDivisionError"), e.getMessage());
        decay.withScale(1.0).check(2, 2);          // guidance off: never divides
        withInterval(decay, 0.5, 0.0).check(2, 2); // no decay: never divides
        decay.check(3, 3);
    }

    @Test
    void unknownGuidanceTypesAreRefusedWithTheValidOnes() {
        assertEquals(CfgType.CFG_STAR, CfgType.parse("cfg_star"));
        LofiException e = assertThrows(LofiException.class, () -> CfgType.parse("pag"));
        assertTrue(e.getMessage().contains("apg, cfg, cfg_star"), e.getMessage());
    }

    private static GuidanceSettings withInterval(GuidanceSettings g, double interval, double decay) {
        return new GuidanceSettings(g.guidanceScale(), interval, decay, g.minGuidanceScale(), g.guidanceScaleText(),
                g.guidanceScaleLyric(), g.cfgType(), g.zeroSteps(), g.useZeroInit());
    }
}
