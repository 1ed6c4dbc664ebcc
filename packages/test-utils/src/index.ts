export { expectNoLeaks } from './leaks.js';
