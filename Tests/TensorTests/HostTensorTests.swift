// HostTensor and FloatBuffer basics.
import Testing
import Tensor

@Suite struct HostTensorTests {
    @Test func shapeAndCount() {
        let t = HostTensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
        #expect(t.count == 6 && t.shape == [2, 3])
        #expect(HostTensor(zeros: [4]).data == [0, 0, 0, 0])
    }

    @Test func floatBufferRoundTrip() {
        let b = FloatBuffer([1, 2, 3])
        b[1] = 7
        #expect(b.array == [1, 7, 3])
        b.zero()
        #expect(b.array == [0, 0, 0])
    }
}
