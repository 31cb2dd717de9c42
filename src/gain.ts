// calculateGain: PyTorch's table of recommended gains (torch.nn.init.calculate_gain).
import { show } from './init/show.js';

/** Nonlinearity names, as PyTorch spells them. */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export const NONLINEARITIES: readonly Nonlinearity[] = [
  'linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
  'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu',
];

/** LeakyReLU's default negative slope (PyTorch `nn.LeakyReLU`, `calculate_gain`). */
export const DEFAULT_NEGATIVE_SLOPE = 0.01;

/**
 * The recommended gain for a nonlinearity: the factor by which to scale the standard deviation
 * so that activations keep their variance (PyTorch's table):
 *
 * | nonlinearity | gain |
 * |---|---|
 * | linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid | 1 |
 * | tanh | 5/3 |
 * | relu | √2 |
 * | leaky_relu | √(2 / (1 + slope²)), slope = `param` (default 0.01) |
 * | selu | 3/4 |
 *
 * `param` is only read for leaky_relu (as in PyTorch). SELU's 3/4 is PyTorch's choice for
 * self-normalising nets initialised with kaiming_normal/xavier (LeCun normal is the paper's).
 * @example calculateGain('leaky_relu', 0.2) // √(2/1.04) ≈ 1.3868
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const fn = 'weightinit.calculateGain';
  if (typeof nonlinearity !== 'string') {
    throw new TypeError(`${fn}: nonlinearity must be one of ${NONLINEARITIES.map((n) => JSON.stringify(n)).join(', ')}, got ${show(nonlinearity)}`);
  }
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      if (param === undefined) param = DEFAULT_NEGATIVE_SLOPE;
      if (typeof param !== 'number') throw new TypeError(`${fn}: the leaky_relu negative slope (param) must be a number, got ${show(param)}`);
      if (!Number.isFinite(param)) throw new RangeError(`${fn}: the leaky_relu negative slope (param) must be finite, got ${show(param)}`);
      return Math.sqrt(2 / (1 + param * param));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`${fn}: unsupported nonlinearity ${show(nonlinearity)}; known ones are ${NONLINEARITIES.map((n) => JSON.stringify(n)).join(', ')}`);
  }
}
