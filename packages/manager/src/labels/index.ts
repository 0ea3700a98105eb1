export {
  parseLabelSelector,
  labelSelectorFromV1,
  matchesLabelSelector,
  selectorStringFromSet,
  type LabelSelector,
  type LabelRequirement,
} from './label-selector.js';
