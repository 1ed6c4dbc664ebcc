export {
  constantSparsity,
  type ConstantSparsityJSON,
  type ConstantSparsityOptions,
} from './constant_sparsity.js';
export { scheduleFromJSON } from './from_json.js';
export { oneShot, type OneShotJSON } from './one_shot.js';
export {
  polynomialDecay,
  type PolynomialDecayJSON,
  type PolynomialDecayOptions,
} from './polynomial_decay.js';
export { ScheduleError } from './schedule_error.js';
export {
  linearIterative,
  type LinearIterativeJSON,
  type LinearIterativeOptions,
} from './linear_iterative.js';
export {
  lotteryTicket,
  rewindWeights,
  snapshotWeights,
  type LotteryTicketJSON,
  type LotteryTicketOptions,
  type LotteryTicketSchedule,
} from './lottery_ticket.js';
