package dev.lofilora.infer.sampler;

import dev.lofilora.common.LofiException;
import dev.lofilora.tensor.Devices;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Schedules and steps checked against the formulas of research/acestep.md §5.2, computed independently here. */
class FlowMatchSchedulersTest {
    private static final FlowMatchGrid GRID = FlowMatchGrid.aceStep();

    private static float shiftF32(float s) {
        return 3f * s / (1f + 2f * s);
    }

    @Test
    void theConstructorGridIsShiftedOnceAndSetTimestepsShiftsAgain() {
        assertEquals(1.0, GRID.sigmaMax());
        assertEquals(shiftF32(0.001f), (float) GRID.sigmaMin());
        assertEquals(0.0029940120875835, GRID.sigmaMin(), 1e-15);
        float[] s = GRID.inferenceSigmas(60);
        assertEquals(60, s.length);
        assertEquals(1.0f, s[0]);
        // The last σ is σ_min shifted a second time: 0.008928572, not 0.00299.
        double twice = 3 * GRID.sigmaMin() / (1 + 2 * GRID.sigmaMin());
        assertEquals((float) twice, s[59]);
        assertEquals(0.008928572f, s[59], 1e-9f);
        for (int i = 1; i < 60; i++) assertTrue(s[i] < s[i - 1], "strictly decreasing");
    }

    @Test
    void eulerAndPingPongShareTheScheduleWithATrailingZero() {
        try (EulerScheduler e = new EulerScheduler(GRID, Devices.cpu());
             PingPongScheduler p = new PingPongScheduler(GRID, Devices.cpu())) {
            e.setTimesteps(27);
            p.setTimesteps(27);
            assertArrayEquals(e.timesteps(), p.timesteps());
            float[] sig = e.sigmas();
            assertEquals(28, sig.length);
            assertEquals(0f, sig[27]);
            assertEquals(27, e.numInferenceSteps());
            for (int i = 0; i < 27; i++) assertEquals(sig[i] * 1000f, e.timesteps()[i]);
        }
    }

    @Test
    void heunVisitsEveryTimestepAfterTheFirstTwiceButReportsNSteps() {
        try (HeunScheduler h = new HeunScheduler(GRID, Devices.cpu()); EulerScheduler e = new EulerScheduler(GRID, Devices.cpu())) {
            h.setTimesteps(6);
            e.setTimesteps(6);
            float[] t = h.timesteps(), te = e.timesteps(), s = h.sigmas(), se = e.sigmas();
            assertEquals(11, t.length);
            assertEquals(12, s.length);
            assertEquals(6, h.numInferenceSteps());
            assertEquals(te[0], t[0]);
            assertEquals(se[0], s[0]);
            for (int i = 1; i < 6; i++) {
                assertEquals(te[i], t[2 * i - 1]);
                assertEquals(te[i], t[2 * i]);
                assertEquals(se[i], s[2 * i - 1]);
                assertEquals(se[i], s[2 * i]);
            }
            assertEquals(0f, s[11]);
        }
    }

    @Test
    void omegaRescaleIsOneAtZeroAndTheLogisticAtTen() {
        assertEquals(1.0, OmegaShift.rescale(0));
        assertEquals(0.9 + 0.2 / (1 + Math.exp(-1)), OmegaShift.rescale(10), 1e-15);
        assertEquals(1.0462117157260011, OmegaShift.rescale(10), 4 * Math.ulp(1.0462117157260011));
    }

    @Test
    void theMeanShiftKeepsTheMeanAndScalesTheDeviation() {
        try (PointerScope scope = new PointerScope()) {
            Tensor dx = torch.randn(2, 3, 4, 5).add(new org.bytedeco.pytorch.Scalar(0.7));
            double w = OmegaShift.rescale(10);
            Tensor out = OmegaShift.apply(dx, w);
            double m = dx.mean().item_double();
            assertEquals(m, out.mean().item_double(), 1e-6);
            Tensor expected = dx.sub(new org.bytedeco.pytorch.Scalar(m)).mul(new org.bytedeco.pytorch.Scalar(w))
                    .add(new org.bytedeco.pytorch.Scalar(m));
            assertTrue(Tensors.maxAbsDiff(out, expected) < 1e-6);
            assertTrue(Tensors.maxAbsDiff(out, dx) > 1e-3, "ω = 10 changes the update");
        }
    }

    /** With a constant velocity every deterministic scheduler integrates σ from 1 to 0 exactly: x1 = x0 − v. */
    @Test
    void aConstantVelocityIsIntegratedExactlyByEulerAndHeun() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            Tensor x0 = torch.randn(1, 2, 4, 3);
            Tensor v = torch.randn(1, 2, 4, 3);
            for (FlowMatchScheduler s : List.of(new EulerScheduler(GRID, Devices.cpu()),
                    new HeunScheduler(GRID, Devices.cpu()))) {
                try (s) {
                    s.setTimesteps(9);
                    Tensor x = x0;
                    for (float t : s.timesteps()) x = s.step(v, t, x, 0.0, NoiseSource.NONE);
                    assertTrue(Tensors.maxAbsDiff(x, x0.sub(v)) < 1e-5, s.getClass().getSimpleName());
                }
            }
        }
    }

    @Test
    void pingPongsLastStepReturnsThePredictedCleanLatent() {
        try (PointerScope scope = new PointerScope(); PingPongScheduler p = new PingPongScheduler(GRID, Devices.cpu())) {
            p.setTimesteps(3);
            Tensor x = torch.randn(1, 2, 4, 3);
            Tensor v = torch.randn(1, 2, 4, 3);
            float[] t = p.timesteps();
            int[] draws = {0};
            NoiseSource counting = like -> {
                draws[0]++;
                return torch.zeros_like(like);
            };
            x = p.step(v, t[0], x, 10, counting);
            x = p.step(v, t[1], x, 10, counting);
            float sigma = p.sigmas()[2];
            Tensor expected = x.sub(v.mul(new org.bytedeco.pytorch.Scalar(sigma)));
            Tensor last = p.step(v, t[2], x, 10, counting);
            assertEquals(3, draws[0], "one draw per step");
            assertTrue(Tensors.maxAbsDiff(last, expected) < 1e-6);
        }
    }

    @Test
    void stepsKeepTheModelOutputsDtype() {
        try (PointerScope scope = new PointerScope(); EulerScheduler e = new EulerScheduler(GRID, Devices.cpu())) {
            e.setTimesteps(4);
            Tensor x = torch.randn(1, 2, 4, 3).to(ScalarType.BFloat16);
            Tensor v = torch.randn(1, 2, 4, 3).to(ScalarType.BFloat16);
            Tensor out = e.step(v, e.timesteps()[0], x, 10, NoiseSource.NONE);
            assertEquals(ScalarType.BFloat16.value, out.scalar_type().value);
        }
    }

    @Test
    void ossStepsPickFromTheLongerScheduleAndShiftAThirdTime() {
        try (EulerScheduler long60 = new EulerScheduler(GRID, Devices.cpu());
             EulerScheduler oss = new EulerScheduler(GRID, Devices.cpu())) {
            long60.setTimesteps(60);
            OssSteps.Remap r = OssSteps.apply(oss, List.of(1, 30, 60), ScalarType.Float);
            float[] picked = {long60.timesteps()[0], long60.timesteps()[29], long60.timesteps()[59]};
            assertArrayEquals(Tensors.toFloatArray(r.newTimesteps()), picked);
            assertEquals(3, oss.numInferenceSteps());
            for (int k = 0; k < 3; k++) {
                float sigmaIn = picked[k] / 1000f;
                assertEquals(sigmaIn, r.sigmasIn()[k]);
                assertEquals(shiftF32(sigmaIn), oss.sigmas()[k], "shifted a third time");
            }
        }
    }

    @Test
    void ossStepsInBf16RoundTheTimestepsAndTheDivision() {
        try (EulerScheduler oss = new EulerScheduler(GRID, Devices.cpu())) {
            OssSteps.Remap r = OssSteps.apply(oss, List.of(59, 60), ScalarType.BFloat16);
            assertEquals(ScalarType.BFloat16.value, r.newTimesteps().scalar_type().value);
            // 8.928572 → 8.9375 in bf16, then /1000 rounds again: 0.008911133 (golden README, quirk 2).
            assertEquals(8.9375f, Tensors.toFloatArray(r.newTimesteps())[1]);
            assertEquals(0.008911133f, r.sigmasIn()[1], 1e-9f);
        }
    }

    @Test
    void ossStepsWithHeunAreRefusedWithTheReason() {
        LofiException e = assertThrows(LofiException.class, () -> OssSteps.check(SchedulerType.HEUN, List.of(16, 29)));
        assertTrue(e.getMessage().contains("ValueError"), e.getMessage());
        try (HeunScheduler h = new HeunScheduler(GRID, Devices.cpu())) {
            assertThrows(LofiException.class, () -> OssSteps.apply(h, List.of(16, 29), ScalarType.Float));
        }
        assertThrows(LofiException.class, () -> OssSteps.check(SchedulerType.EULER, List.of(0, 5)));
        assertThrows(LofiException.class, () -> OssSteps.check(SchedulerType.EULER, List.of()));
        OssSteps.check(SchedulerType.PINGPONG, List.of(16, 29));
    }

    @Test
    void unknownSchedulerNamesAreRefusedWithTheValidOnes() {
        assertEquals(SchedulerType.PINGPONG, SchedulerType.parse("PingPong"));
        LofiException e = assertThrows(LofiException.class, () -> SchedulerType.parse("ddim"));
        assertTrue(e.getMessage().contains("euler, heun, pingpong"), e.getMessage());
    }
}
