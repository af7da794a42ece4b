import { DetailSkeleton, Loading } from '~/components/ui/skeleton';

export default function AgentLoading() {
  return (
    <Loading label="Loading the agent…">
      <DetailSkeleton />
    </Loading>
  );
}
